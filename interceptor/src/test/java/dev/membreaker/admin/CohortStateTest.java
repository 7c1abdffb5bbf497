package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.CohortState;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.State;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.Cohort;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.telemetry.BreakerTelemetry;
import dev.membreaker.testing.FakeMemorySource;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Admin state and metrics per cohort. */
class CohortStateTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void getStateAndMetricsShowEachCohort() throws Exception {
    BreakerConfig base = BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build();
    MemoryBreaker breaker =
        MemoryBreaker.builder()
            .config(base)
            .cohorts(
                List.of(
                    new Cohort(
                        "strict",
                        40,
                        base.toBuilder()
                            .recover(0.5)
                            .warning(0.55)
                            .degraded(0.6)
                            .open(0.7)
                            .build())))
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.75)))
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    MemoryBreakerServerInterceptor interceptor =
        MemoryBreakerServerInterceptor.builder(breaker).cohortHeader("x-tenant").build();
    BreakerTelemetry.install(breaker, otel.getOpenTelemetry(), interceptor);
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .directExecutor()
            .addService(BreakerAdminService.builder(breaker).interceptor(interceptor).build())
            .build()
            .start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    try {
      dev.membreaker.admin.v1.BreakerState state =
          BreakerAdminGrpc.newBlockingStub(channel).getState(GetStateRequest.getDefaultInstance());
      assertThat(state.getState()).isEqualTo(State.WARNING);
      CohortState strict = state.getCohortsList().get(0);
      assertThat(strict.getName()).isEqualTo("strict");
      assertThat(strict.getShare()).isEqualTo(40);
      assertThat(strict.getState()).isEqualTo(State.OPEN);
      assertThat(strict.getWatermarks().getOpen()).isEqualTo(0.7);

      List<MetricData> metrics = otel.getMetrics();
      MetricData cohortState =
          metrics.stream()
              .filter(m -> m.getName().equals("membreaker.cohort.state"))
              .findFirst()
              .orElseThrow();
      assertThat(cohortState.getLongGaugeData().getPoints())
          .anySatisfy(
              p -> {
                assertThat(p.getAttributes().get(AttributeKey.stringKey("membreaker.cohort")))
                    .isEqualTo("strict");
                assertThat(p.getAttributes().get(AttributeKey.stringKey("membreaker.state")))
                    .isEqualTo("OPEN");
                assertThat(p.getValue()).isEqualTo(1);
              });
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
      breaker.close();
    }
  }
}
