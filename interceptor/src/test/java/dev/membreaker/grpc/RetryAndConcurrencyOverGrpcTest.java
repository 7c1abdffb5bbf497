package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.policy.Priority;
import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RetryAndConcurrencyOverGrpcTest {

  private GrpcHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aClientWithARetryPolicyWaitsAtLeastThePushbackBeforeRetrying() throws Exception {
    // OPEN for 400 ms: a shed call's pushback is the time left until HALF_OPEN (the fake clock
    // stands still, so 400 ms), and gRPC's retry must honour it over its own 1 ms back-off.
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .openMin(Duration.ofMillis(400))
            .build();
    Map<String, Object> retryPolicy =
        Map.of(
            "maxAttempts",
            3.0,
            "initialBackoff",
            "0.001s",
            "maxBackoff",
            "0.001s",
            "backoffMultiplier",
            1.0,
            "retryableStatusCodes",
            List.of("RESOURCE_EXHAUSTED"));
    Map<String, Object> serviceConfig =
        Map.of(
            "methodConfig",
            List.of(
                Map.of(
                    "name",
                    List.of(Map.of("service", TestService.SERVICE)),
                    "retryPolicy",
                    retryPolicy)));
    h =
        new GrpcHarness(
            config, b -> {}, cb -> cb.defaultServiceConfig(serviceConfig).enableRetry());
    h.pressure(0.93);
    List<Long> attempts = new CopyOnWriteArrayList<>();
    // Seen by the server before the breaker: when each attempt arrived.
    ServerInterceptor clock =
        new ServerInterceptor() {
          @Override
          public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
              ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
            attempts.add(System.nanoTime());
            return next.startCall(call, headers);
          }
        };
    io.grpc.Server outer =
        io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
                new java.net.InetSocketAddress("127.0.0.1", 0))
            .addService(
                io.grpc.ServerInterceptors.intercept(
                    h.interceptor.wrap(h.service.definition()), clock))
            .build()
            .start();
    io.grpc.ManagedChannel channel =
        io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress(
                "127.0.0.1", outer.getPort())
            .usePlaintext()
            .defaultServiceConfig(serviceConfig)
            .enableRetry()
            .build();
    try {
      StatusRuntimeException e =
          AdmissionOverGrpcTest.catchStatus(
              () ->
                  ClientCalls.blockingUnaryCall(
                      channel,
                      TestService.QUOTE,
                      CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
                      "q"));
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(attempts).hasSize(3);
      for (int i = 1; i < attempts.size(); i++) {
        long gapMillis = (attempts.get(i) - attempts.get(i - 1)) / 1_000_000L;
        System.out.println(
            "retry " + i + " came " + gapMillis + " ms after the attempt before (pushback 400 ms)");
        assertThat(gapMillis).isGreaterThanOrEqualTo(400);
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      outer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aThousandConcurrentCallsAcrossATransitionAddUp() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.30);
    int calls = 1000;
    ExecutorService pool = Executors.newFixedThreadPool(32);
    CountDownLatch go = new CountDownLatch(1);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger shed = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    List<CompletableFuture<Void>> futures = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      io.grpc.MethodDescriptor<String, String> method =
          i % 3 == 0 ? TestService.PAY : i % 3 == 1 ? TestService.QUOTE : TestService.REPORT;
      futures.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  go.await();
                  h.call(method, "c");
                  ok.incrementAndGet();
                } catch (StatusRuntimeException e) {
                  (e.getStatus().getCode() == Status.Code.RESOURCE_EXHAUSTED ? shed : other)
                      .incrementAndGet();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              },
              pool));
    }
    go.countDown();
    // Transitions while the calls are in flight: HEALTHY -> DEGRADED -> OPEN.
    org.awaitility.Awaitility.await()
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(30))
        .until(() -> ok.get() >= 300);
    h.pressure(0.85);
    h.pressure(0.93);
    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    pool.shutdown();
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
    ShedCounters c = h.interceptor.counters();
    long admitted = c.count(ShedCounters.Kind.ADMITTED);
    long counted = c.count(ShedCounters.Kind.SHED);
    int handled =
        h.service.runs(TestService.PAY)
            + h.service.runs(TestService.QUOTE)
            + h.service.runs(TestService.REPORT);
    System.out.printf(
        "1000 calls: %d ok, %d shed; counters admitted %d, shed %d; handlers ran %d%n",
        ok.get(), shed.get(), admitted, counted, handled);
    assertThat(other.get()).isZero();
    assertThat(ok.get() + shed.get()).isEqualTo(calls);
    assertThat(admitted + counted).isEqualTo(calls);
    assertThat(admitted).isEqualTo(ok.get()).isEqualTo(handled);
    assertThat(counted).isEqualTo(shed.get());
    assertThat(c.count(ShedCounters.Kind.SHED, Priority.CRITICAL)).isZero();
    assertThat(c.count(ShedCounters.Kind.ADMITTED, BreakerState.HEALTHY, Priority.SHEDDABLE))
        .isPositive();
    assertThat(
            c.count(ShedCounters.Kind.SHED, BreakerState.OPEN, Priority.SHEDDABLE)
                + c.count(ShedCounters.Kind.SHED, BreakerState.DEGRADED, Priority.SHEDDABLE))
        .isPositive();
  }
}
