package dev.membreaker.orca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.awaitility.Awaitility.await;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.grpc.MethodPriorities;
import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Priority;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import io.grpc.xds.shaded.com.github.xds.data.orca.v3.OrcaLoadReport;
import io.grpc.xds.shaded.com.github.xds.service.orca.v3.OpenRcaServiceGrpc;
import io.grpc.xds.shaded.com.github.xds.service.orca.v3.OrcaLoadReportRequest;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pressure reaches clients as ORCA reports: in each call's trailers (shed calls too) and on the
 * out-of-band stream, against a real server on loopback whose breaker the test drives.
 */
class OrcaPressureReporterTest {

  private static final Metadata.Key<byte[]> ORCA_TRAILER =
      Metadata.Key.of("endpoint-load-metrics-bin", Metadata.BINARY_BYTE_MARSHALLER);
  private static final MethodDescriptor.Marshaller<String> STRING =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      };
  private static final MethodDescriptor<String, String> REPORT =
      MethodDescriptor.<String, String>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("test.Payments/Report")
          .setRequestMarshaller(STRING)
          .setResponseMarshaller(STRING)
          .build();

  private final FakeTicker ticker = new FakeTicker();
  private final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.1);
  private MemoryBreaker breaker;
  private OrcaPressureReporter reporter;
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    breaker =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build())
            .sources(List.of(live))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    MemoryBreakerServerInterceptor interceptor =
        MemoryBreakerServerInterceptor.builder(breaker)
            .priorities(
                MethodPriorities.builder().put("test.Payments/Report", Priority.SHEDDABLE).build())
            .build();
    reporter =
        OrcaPressureReporter.builder(breaker, interceptor)
            .period(Duration.ofMillis(20))
            .build()
            .start();
    ServerServiceDefinition service =
        ServerServiceDefinition.builder("test.Payments")
            .addMethod(
                REPORT,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      out.onNext("ok");
                      out.onCompleted();
                    }))
            .build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .addService(reporter.oobService())
            .intercept(interceptor)
            .intercept(
                reporter
                    .serverInterceptor()) // added last, so it runs first: shed calls carry it too
            .build()
            .start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
    server.shutdownNow();
    channel.awaitTermination(5, TimeUnit.SECONDS);
    server.awaitTermination(5, TimeUnit.SECONDS);
    reporter.close();
    breaker.close();
  }

  private void pressure(double p) {
    live.setPressure(p);
    ticker.advance(Duration.ofMillis(50));
    breaker.evaluateNow();
  }

  /** Makes one call; its status and the ORCA report in its trailers. */
  private java.util.Map.Entry<Status, OrcaLoadReport> call() throws Exception {
    CompletableFuture<java.util.Map.Entry<Status, OrcaLoadReport>> done = new CompletableFuture<>();
    ClientCall<String, String> call =
        channel.newCall(REPORT, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            try {
              byte[] raw = trailers.get(ORCA_TRAILER);
              done.complete(
                  java.util.Map.entry(
                      status,
                      raw == null
                          ? OrcaLoadReport.getDefaultInstance()
                          : OrcaLoadReport.parseFrom(raw)));
            } catch (Exception e) {
              done.completeExceptionally(e);
            }
          }
        },
        new Metadata());
    call.request(1);
    call.sendMessage("x");
    call.halfClose();
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void eachCallCarriesItsRateAndPressureAndAnOpenReplicaReportsTwentyTimesTheUtilizationPerCall()
      throws Exception {
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .until(() -> call().getValue().getRpsFractional() > 0);
    // MetricRecorder takes its fields one by one: a call that closes mid-refresh may carry one new
    // and one old value, so look for a report from a settled moment.
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              OrcaLoadReport healthy = call().getValue();
              assertThat(healthy.getMemUtilization()).isCloseTo(0.1, offset(1e-9));
              assertThat(healthy.getApplicationUtilization())
                  .as("under the floor: qps / reference")
                  .isCloseTo(healthy.getRpsFractional() / 100, offset(1e-9));
            });

    pressure(0.95); // OPEN
    assertThat(breaker.status().state().name()).isEqualTo("OPEN");
    var shed = call();
    assertThat(shed.getKey().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .until(() -> call().getValue().getEps() > 0);
    await()
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              var open = call();
              assertThat(open.getKey().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(open.getValue().getApplicationUtilization())
                  .as("shed calls carry the report: 20 per reference call")
                  .isCloseTo(
                      open.getValue().getRpsFractional() / 100 * PressureUtilization.OPEN_FACTOR,
                      offset(1e-9));
            });
  }

  @Test
  void theOutOfBandStreamFollowsTheState() throws Exception {
    Iterator<OrcaLoadReport> reports =
        OpenRcaServiceGrpc.newBlockingStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS)
            .streamCoreMetrics(
                OrcaLoadReportRequest.newBuilder()
                    .setReportInterval(
                        com.google.protobuf.Duration.newBuilder().setNanos(100_000_000))
                    .build());
    assertThat(reports.next().getMemUtilization()).isCloseTo(0.1, offset(1e-9));
    pressure(0.85);
    OrcaLoadReport next = reports.next();
    while (next.getMemUtilization() < 0.84 && reports.hasNext()) {
      next = reports.next();
    }
    assertThat(next.getMemUtilization()).isCloseTo(0.85, offset(1e-9));
  }

  @Test
  void theFactorByStateAndPressure() {
    PressureUtilization m = new PressureUtilization(0.25, 100);
    BreakerConfig config = BreakerConfig.builder().build();
    pressure(0.1);
    assertThat(m.factor(breaker.status(), config)).isEqualTo(1.0);
    assertThat(m.utilization(breaker.status(), config, 50)).isEqualTo(0.5);
    pressure(0.625); // half the headroom above the floor is gone: twice the factor
    assertThat(m.factor(breaker.status(), config)).isCloseTo(2.0, offset(1e-9));
    breaker.setOverride(OverrideMode.FORCED_OPEN, "test", null);
    assertThat(m.factor(breaker.status(), config)).isEqualTo(PressureUtilization.OPEN_FACTOR);
    breaker.setOverride(OverrideMode.NONE, "test", null);
    pressure(0.95);
    assertThat(breaker.status().state().name()).isEqualTo("OPEN");
    assertThat(m.factor(breaker.status(), config)).isEqualTo(PressureUtilization.OPEN_FACTOR);
  }

  @Test
  void badSettingsAreRefused() {
    MemoryBreakerServerInterceptor interceptor =
        MemoryBreakerServerInterceptor.builder(breaker).build();
    assertThatThrownBy(() -> new PressureUtilization(1.0, 100))
        .hasMessageContaining("floor must be in [0, 1)");
    assertThatThrownBy(() -> new PressureUtilization(0.2, 0))
        .hasMessageContaining("referenceQps must be positive");
    assertThatThrownBy(
            () -> OrcaPressureReporter.builder(breaker, interceptor).period(Duration.ofMillis(1)))
        .hasMessageContaining("period must be in [10ms, 1m]");
    assertThatThrownBy(
            () ->
                OrcaPressureReporter.builder(breaker, interceptor)
                    .oobMinInterval(Duration.ofMillis(1)))
        .hasMessageContaining("oobMinInterval");
  }
}
