package dev.membreaker.grpc;

import static dev.membreaker.grpc.TestService.PAY;
import static dev.membreaker.grpc.TestService.QUOTE;
import static dev.membreaker.grpc.TestService.REPORT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.policy.Priority;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Admission by priority against a real grpc-netty-shaded server on loopback. */
class AdmissionOverGrpcTest {

  private GrpcHarness h;

  @AfterEach
  void close() throws Exception {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void aShedCallGetsResourceExhaustedWithBothTrailersAndItsHandlerNeverRuns() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.93);
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
    StatusRuntimeException e = catchStatus(() -> h.call(QUOTE, "a quote"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription())
        .contains("OPEN")
        .contains("heap_live")
        .contains("0.930");
    Metadata trailers = e.getTrailers();
    assertThat(trailers.get(MemoryBreakerServerInterceptor.STATE_KEY)).isEqualTo("OPEN");
    // In OPEN the pushback is the time left until HALF_OPEN: the fake clock stands still, 5 s.
    assertThat(trailers.get(MemoryBreakerServerInterceptor.PUSHBACK_KEY)).isEqualTo("5000");
    assertThat(h.service.runs(QUOTE)).isZero();
    assertThat(
            h.interceptor
                .counters()
                .count(ShedCounters.Kind.SHED, BreakerState.OPEN, Priority.DEFAULT))
        .isEqualTo(1);
  }

  @Test
  void outsideOpenThePushbackIsAJitteredBackOff() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.85);
    for (int i = 0; i < 20; i++) {
      StatusRuntimeException e = catchStatus(() -> h.call(REPORT, "r"));
      long pushback =
          Long.parseLong(e.getTrailers().get(MemoryBreakerServerInterceptor.PUSHBACK_KEY));
      assertThat(pushback).isBetween(125L, 375L); // 250 ms +- 50 %
      assertThat(e.getTrailers().get(MemoryBreakerServerInterceptor.STATE_KEY))
          .isEqualTo("DEGRADED");
    }
  }

  @Test
  void underAForcedOverrideTheTrailersSayTheStateThatDecidesAndTheOverride() throws Exception {
    h = new GrpcHarness(); // HEALTHY by memory
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "drill", null);
    io.grpc.StatusRuntimeException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.grpc.StatusRuntimeException.class, () -> h.call(TestService.REPORT, "r"));
    assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getTrailers().get(MemoryBreakerServerInterceptor.STATE_KEY)).isEqualTo("OPEN");
    assertThat(e.getTrailers().get(MemoryBreakerServerInterceptor.OVERRIDE_KEY))
        .isEqualTo("FORCED_OPEN");
    h.breaker.setOverride(OverrideMode.NONE, "done", null);
    assertThat(h.call(TestService.REPORT, "r")).isEqualTo("Report:1");
  }

  @Test
  void exemptServicesAnswerInOpen() throws Exception {
    h = new GrpcHarness();
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "test", null);
    h.pressure(0.99);
    HealthCheckResponse health =
        HealthGrpc.newBlockingStub(h.channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService("").build());
    assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

    CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
    StreamObserver<ServerReflectionRequest> requests =
        ServerReflectionGrpc.newStub(h.channel)
            .withDeadlineAfter(5, TimeUnit.SECONDS)
            .serverReflectionInfo(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ServerReflectionResponse r) {
                    answer.complete(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    answer.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
    assertThat(answer.join().getListServicesResponse().getServiceList())
        .extracting(s -> s.getName())
        .contains("grpc.health.v1.Health");
    requests.onCompleted();
    assertThat(h.code(QUOTE)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void eachStateShedsExactlyThePrioritiesItShould() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build(), b -> {});
    h.pressure(0.50); // HEALTHY
    assertCodes(Status.Code.OK, Status.Code.OK, Status.Code.OK);
    h.pressure(0.72); // WARNING
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.WARNING);
    assertCodes(Status.Code.OK, Status.Code.OK, Status.Code.OK);
    h.pressure(0.8001); // DEGRADED at its watermark: DEFAULT admitted with probability 1
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.DEGRADED);
    assertCodes(Status.Code.OK, Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
    h.pressure(0.92); // OPEN
    assertCodes(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED, Status.Code.RESOURCE_EXHAUSTED);
    h.pressure(0.96); // OPEN above the critical cap
    assertCodes(
        Status.Code.RESOURCE_EXHAUSTED,
        Status.Code.RESOURCE_EXHAUSTED,
        Status.Code.RESOURCE_EXHAUSTED);
    h.breaker.setOverride(OverrideMode.SHADOW, "trial", null);
    assertCodes(Status.Code.OK, Status.Code.OK, Status.Code.OK);
    assertThat(h.interceptor.counters().count(ShedCounters.Kind.WOULD_SHED)).isEqualTo(3);
  }

  private void assertCodes(Status.Code pay, Status.Code quote, Status.Code report) {
    assertThat(h.code(PAY)).as("Pay (CRITICAL)").isEqualTo(pay);
    assertThat(h.code(QUOTE)).as("Quote (DEFAULT)").isEqualTo(quote);
    assertThat(h.code(REPORT)).as("Report (SHEDDABLE)").isEqualTo(report);
  }

  @Test
  void theDegradedProbabilityFollowsPressure() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.75).pressure(0.85); // admit probability 1 - (0.85 - 0.80) / 0.10 = 0.5
    assertThat(admittedShare(2000)).isCloseTo(0.5, within(0.06)); // +- 5 standard deviations
    h.pressure(0.82); // 0.8
    assertThat(admittedShare(2000)).isCloseTo(0.8, within(0.05));
    h.pressure(0.88); // 0.2
    assertThat(admittedShare(2000)).isCloseTo(0.2, within(0.05));
  }

  private double admittedShare(int calls) {
    int before = h.service.runs(QUOTE);
    for (int i = 0; i < calls; i++) {
      h.code(QUOTE);
    }
    return (double) (h.service.runs(QUOTE) - before) / calls;
  }

  @Test
  void theHeaderCanLowerAPriorityButNotRaiseIt() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.8001);
    Metadata sheddable = new Metadata();
    sheddable.put(
        Metadata.Key.of("membreaker-priority", Metadata.ASCII_STRING_MARSHALLER), "SHEDDABLE");
    assertThatThrownBy(() -> h.call(PAY, "p", sheddable))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("RESOURCE_EXHAUSTED");
    Metadata critical = new Metadata();
    critical.put(
        Metadata.Key.of("membreaker-priority", Metadata.ASCII_STRING_MARSHALLER), "critical");
    assertThatThrownBy(() -> h.call(REPORT, "r", critical))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("RESOURCE_EXHAUSTED");
    assertThat(h.service.runs(PAY)).isZero();
    assertThat(h.service.runs(REPORT)).isZero();
  }

  @Test
  void theHeaderMayRaiseWhenTheConfigAllowsIt() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build(),
            b -> b.allowPriorityRaise(true));
    h.pressure(0.8001);
    Metadata critical = new Metadata();
    critical.put(
        Metadata.Key.of("membreaker-priority", Metadata.ASCII_STRING_MARSHALLER), "CRITICAL");
    assertThat(h.call(REPORT, "r", critical)).isEqualTo("Report:1");
  }

  @Test
  void aHandlerFailureReachesTheOutcomeBreakerButAShedDoesNot() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder()
                .ewmaAlpha(1.0)
                .occupancyFloor(1.0)
                .outcomeWindow(10)
                .outcomeMinCalls(10)
                .build(),
            b -> {});
    h.pressure(0.85);
    for (int i = 0; i < 20; i++) {
      h.code(REPORT); // shed: RESOURCE_EXHAUSTED, not recorded
    }
    h.pressure(0.85);
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.DEGRADED);
    for (int i = 0; i < 10; i++) {
      assertThat(h.code(TestService.FAIL)).isEqualTo(Status.Code.INTERNAL);
    }
    h.pressure(0.85);
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.breaker.recentTransitions())
        .last()
        .extracting(e -> e.cause())
        .isEqualTo(dev.membreaker.breaker.Cause.OUTCOME_FAILURE_RATE);
  }

  @Test
  void slowCallsAreTimedWhenSlowCallDetectionIsOn() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder()
                .ewmaAlpha(1.0)
                .occupancyFloor(1.0)
                .outcomeWindow(2)
                .outcomeMinCalls(2)
                .slowCallThreshold(java.time.Duration.ofMillis(100))
                .slowCallRateThreshold(1.0)
                .build(),
            b -> {});
    h.service.hold = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> h.call(QUOTE, "hold"));
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> h.call(QUOTE, "hold"));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> h.service.runs(QUOTE) == 2);
    h.ticker.advance(
        java.time.Duration.ofMillis(150)); // both calls take 150 ms by the breaker's clock
    h.service.hold.countDown();
    first.get(10, TimeUnit.SECONDS);
    second.get(10, TimeUnit.SECONDS);
    h.pressure(0.3);
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.breaker.status().cause())
        .isEqualTo(dev.membreaker.breaker.Cause.OUTCOME_SLOW_CALLS);
  }

  @Test
  void theCapOnCallsInFlightShedsBeyondIt() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build(),
            b -> b.maxConcurrentCalls(2));
    h.service.hold = new java.util.concurrent.CountDownLatch(1);
    CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> h.call(QUOTE, "hold"));
    CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> h.call(QUOTE, "hold"));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> h.service.runs(QUOTE) == 2);
    StatusRuntimeException e = catchStatus(() -> h.call(PAY, "p"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("max_concurrent_calls (2)");
    h.service.hold.countDown();
    assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("Quote:4");
    assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("Quote:4");
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> h.interceptor.inFlight() == 0);
    assertThat(h.call(PAY, "p")).isEqualTo("Pay:1");
  }

  @Test
  void aFallbackAnswersAShedUnaryCall() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build(),
            b -> b.fallback(QUOTE, (request, headers) -> "cached quote for " + request));
    h.pressure(0.93);
    assertThat(h.call(QUOTE, "EURUSD")).isEqualTo("cached quote for EURUSD");
    assertThat(h.service.runs(QUOTE)).isZero();
    assertThat(h.code(REPORT)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  static StatusRuntimeException catchStatus(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }
}
