package dev.membreaker.telemetry;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.grpc.GrpcHarness;
import dev.membreaker.grpc.TestService;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Spans and metrics through the OpenTelemetry SDK's in-memory exporters. */
class BreakerTelemetryTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void aWholeCycleGivesOneSpanPerTransitionWithEveryAttribute() throws Exception {
    try (GrpcHarness h = new GrpcHarness()) {
      BreakerTelemetry telemetry =
          BreakerTelemetry.install(h.breaker, otel.getOpenTelemetry(), h.interceptor);
      h.pressure(0.30).pressure(0.95); // HEALTHY -> OPEN
      h.ticker.advance(Duration.ofSeconds(5));
      h.pressure(0.30); // OPEN -> HALF_OPEN
      for (int i = 0; i < 5; i++) {
        h.pressure(0.30); // recovered: five samples below recover
      }
      h.ticker.advance(Duration.ofSeconds(10));
      h.pressure(0.30); // ramp done: HALF_OPEN -> HEALTHY
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.HEALTHY);

      List<SpanData> spans = otel.getSpans();
      assertThat(spans)
          .hasSize(3)
          .allSatisfy(s -> assertThat(s.getName()).isEqualTo("membreaker.transition"));
      assertThat(spans)
          .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("membreaker.to")))
          .containsExactly("OPEN", "HALF_OPEN", "HEALTHY");
      assertThat(spans.get(0))
          .hasAttributesSatisfying(
              attributes -> {
                assertThat(attributes.get(AttributeKey.stringKey("membreaker.from")))
                    .isEqualTo("HEALTHY");
                assertThat(attributes.get(AttributeKey.stringKey("membreaker.cause")))
                    .isEqualTo("PRESSURE");
                assertThat(attributes.get(AttributeKey.stringKey("membreaker.dimension")))
                    .isEqualTo("heap_live");
                assertThat(attributes.get(AttributeKey.doubleKey("membreaker.pressure")))
                    .isCloseTo(0.95, within(0.001));
                assertThat(attributes.get(AttributeKey.doubleKey("membreaker.pressure.heap_live")))
                    .isCloseTo(0.95, within(0.001));
                assertThat(attributes.get(AttributeKey.doubleKey("membreaker.watermark.open")))
                    .isEqualTo(0.90);
                assertThat(
                        attributes.get(AttributeKey.doubleKey("membreaker.watermark.critical_cap")))
                    .isEqualTo(0.95);
                assertThat(attributes.get(AttributeKey.stringKey("membreaker.override")))
                    .isEqualTo("NONE");
              });

      h.breaker.setOverride(OverrideMode.SHADOW, "trial", null);
      h.breaker.updateConfig(h.breaker.config().toBuilder().open(0.88).build());
      assertThat(otel.getSpans())
          .extracting(SpanData::getName)
          .contains("membreaker.override", "membreaker.config_update");
      telemetry.close();
    }
  }

  @Test
  void metricValuesMatchTheBreaker() throws Exception {
    try (GrpcHarness h = new GrpcHarness()) {
      BreakerTelemetry.install(h.breaker, otel.getOpenTelemetry(), h.interceptor);
      h.pressure(0.85); // DEGRADED
      h.code(TestService.PAY);
      h.code(TestService.REPORT); // shed
      h.code(TestService.REPORT); // shed
      List<MetricData> metrics = otel.getMetrics();
      assertThat(
              gauge(
                  metrics,
                  "membreaker.pressure",
                  Attributes.of(BreakerTelemetry.DIMENSION, "heap_live")))
          .isCloseTo(h.breaker.status().pressure(), within(1e-9));
      assertThat(
              longGauge(
                  metrics, "membreaker.state", Attributes.of(BreakerTelemetry.STATE, "DEGRADED")))
          .isEqualTo(1);
      assertThat(
              longGauge(
                  metrics, "membreaker.state", Attributes.of(BreakerTelemetry.STATE, "HEALTHY")))
          .isZero();
      assertThat(
              longGauge(
                  metrics,
                  "membreaker.memory.limit",
                  Attributes.of(BreakerTelemetry.DIMENSION, "heap_live")))
          .isEqualTo(1L << 30);
      assertThat(
              longGauge(
                  metrics,
                  "membreaker.memory.used",
                  Attributes.of(BreakerTelemetry.DIMENSION, "heap_live")))
          .isEqualTo(h.breaker.status().signals().get(0).used());
      assertThat(
              sum(
                  metrics,
                  "membreaker.calls",
                  Attributes.of(
                      BreakerTelemetry.METHOD,
                      "test.Payments/Report",
                      BreakerTelemetry.PRIORITY,
                      "SHEDDABLE",
                      BreakerTelemetry.OUTCOME,
                      "shed")))
          .isEqualTo(2);
      assertThat(
              sum(
                  metrics,
                  "membreaker.calls",
                  Attributes.of(
                      BreakerTelemetry.METHOD,
                      "test.Payments/Pay",
                      BreakerTelemetry.PRIORITY,
                      "CRITICAL",
                      BreakerTelemetry.OUTCOME,
                      "admitted")))
          .isEqualTo(1);
      assertThat(
              sum(
                  metrics,
                  "membreaker.transitions",
                  Attributes.of(BreakerTelemetry.FROM, "HEALTHY", BreakerTelemetry.TO, "DEGRADED")))
          .isEqualTo(1);
      assertThat(metrics).extracting(MetricData::getName).contains("membreaker.sampler.lag");
    }
  }

  @Test
  void theLiveSetsEvidenceIsInTheMetricsAndOnTheTransitionSpan() {
    dev.membreaker.testing.FakeLiveSetSource live =
        new dev.membreaker.testing.FakeLiveSetSource(1000);
    live.deadShare(0.1).anchor(0.95); // a measured live set above the open watermark
    try (dev.membreaker.breaker.MemoryBreaker breaker =
        dev.membreaker.breaker.MemoryBreaker.builder()
            .config(dev.membreaker.breaker.BreakerConfig.builder().ewmaAlpha(1.0).build())
            .sources(List.of(live))
            .ticker(new dev.membreaker.testing.FakeTicker())
            .listenerExecutor(Runnable::run)
            .build()) {
      BreakerTelemetry telemetry = BreakerTelemetry.install(breaker, otel.getOpenTelemetry(), null);
      breaker.evaluateNow();
      assertThat(breaker.status().state()).isEqualTo(BreakerState.OPEN);
      List<MetricData> metrics = otel.getMetrics();
      Attributes other = Attributes.of(BreakerTelemetry.COLLECTOR, "other");
      assertThat(
              longGauge(
                  metrics,
                  "membreaker.live_set.bytes",
                  other.toBuilder().put(BreakerTelemetry.LIVE_SET_KIND, "anchor").build()))
          .isEqualTo(950);
      assertThat(
              longGauge(
                  metrics,
                  "membreaker.live_set.bytes",
                  other.toBuilder().put(BreakerTelemetry.LIVE_SET_KIND, "upper").build()))
          .isEqualTo(950);
      assertThat(sum(metrics, "membreaker.live_set.confirmations", other)).isZero();
      assertThat(otel.getSpans())
          .singleElement()
          .satisfies(
              span -> {
                assertThat(span.getAttributes().get(BreakerTelemetry.COLLECTOR)).isEqualTo("other");
                assertThat(
                        span.getAttributes()
                            .get(AttributeKey.longKey("membreaker.live_set.anchor")))
                    .isEqualTo(950);
                assertThat(
                        span.getAttributes()
                            .get(AttributeKey.doubleKey("membreaker.live_set.dead_share")))
                    .isEqualTo(0.1);
              });
      telemetry.close();
    }
  }

  private static double gauge(List<MetricData> metrics, String name, Attributes attributes) {
    return metric(metrics, name).getDoubleGaugeData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static long longGauge(List<MetricData> metrics, String name, Attributes attributes) {
    return metric(metrics, name).getLongGaugeData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static long sum(List<MetricData> metrics, String name, Attributes attributes) {
    return metric(metrics, name).getLongSumData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  private static MetricData metric(List<MetricData> metrics, String name) {
    return metrics.stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + metrics));
  }
}
