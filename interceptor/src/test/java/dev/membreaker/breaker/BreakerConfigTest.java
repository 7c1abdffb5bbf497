package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.memory.Dimension;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad value is refused with a message naming its field and value. */
class BreakerConfigTest {

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    BreakerConfig c = BreakerConfig.defaults();
    assertThat(c.warning()).isEqualTo(0.70);
    assertThat(c.degraded()).isEqualTo(0.80);
    assertThat(c.open()).isEqualTo(0.90);
    assertThat(c.recover()).isEqualTo(0.65);
    assertThat(c.emergency()).isEqualTo(0.97);
    assertThat(c.criticalCap()).isEqualTo(0.95);
    assertThat(c.sampleInterval()).isEqualTo(Duration.ofMillis(50));
    assertThat(c.windowSize()).isEqualTo(64);
    assertThat(c.ewmaAlpha()).isEqualTo(0.2);
    assertThat(c.growthBaselineWindow()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.occupancyFloor()).isEqualTo(0.5);
    assertThat(c.growthWarningFactor()).isEqualTo(0.8);
    assertThat(c.growthOpenSamples()).isEqualTo(3);
    assertThat(c.exhaustionWarningHorizon()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.exhaustionOpenHorizon()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.recoverSamples()).isEqualTo(5);
    assertThat(c.openMin()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.openMax()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.halfOpenRamp()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.outcomeWindow()).isEqualTo(100);
    assertThat(c.outcomeMinCalls()).isEqualTo(20);
    assertThat(c.consecutiveFailures()).isZero();
    assertThat(c.failureCodes()).containsExactly(2, 4, 13, 14);
    assertThat(c.stallIntervals()).isEqualTo(10);
  }

  @Test
  void toBuilderDerivesAChangedCopyAndLeavesTheOriginal() {
    BreakerConfig base = BreakerConfig.defaults();
    BreakerConfig changed = base.toBuilder().open(0.85).build();
    assertThat(changed.open()).isEqualTo(0.85);
    assertThat(base.open()).isEqualTo(0.90);
    assertThat(changed.toBuilder().open(0.90).build()).isEqualTo(base);
  }

  static Stream<Arguments> badValues() {
    return Stream.of(
        bad("warning", b -> b.warning(Double.NaN), "NaN"),
        bad("warning", b -> b.warning(-0.1), "-0.1"),
        bad("warning", b -> b.warning(1.5), "1.5"),
        bad("degraded", b -> b.degraded(0), "0.0"),
        bad("open", b -> b.open(Double.POSITIVE_INFINITY), "Infinity"),
        bad("recover", b -> b.recover(Double.NaN), "NaN"),
        bad("emergency", b -> b.emergency(1.01), "1.01"),
        bad("critical_cap", b -> b.criticalCap(-1), "-1.0"),
        bad("emergency_collections", b -> b.emergencyCollections(0), "0"),
        bad("sample_interval", b -> b.sampleInterval(Duration.ofMillis(4)), "PT0.004S"),
        bad("sample_interval", b -> b.sampleInterval(Duration.ofSeconds(11)), "PT11S"),
        bad("sample_interval", b -> b.sampleInterval(null), "null"),
        bad("cgroup_read_interval", b -> b.cgroupReadInterval(Duration.ZERO), "PT0S"),
        bad("stall_intervals", b -> b.stallIntervals(1), "1"),
        bad("window_size", b -> b.windowSize(1), "1"),
        bad("ewma_alpha", b -> b.ewmaAlpha(0), "0.0"),
        bad("growth_baseline_window", b -> b.growthBaselineWindow(Duration.ofSeconds(1)), "PT1S"),
        bad("growth_baseline_min_samples", b -> b.growthBaselineMinSamples(0), "0"),
        bad("occupancy_floor", b -> b.occupancyFloor(Double.NaN), "NaN"),
        bad("growth_warning_factor", b -> b.growthWarningFactor(0), "0.0"),
        bad("growth_min_rate", b -> b.growthMinRate(-0.5), "-0.5"),
        bad("growth_open_samples", b -> b.growthOpenSamples(0), "0"),
        bad(
            "exhaustion_warning_horizon",
            b -> b.exhaustionWarningHorizon(Duration.ofSeconds(-1)),
            "PT-1S"),
        bad("exhaustion_open_horizon", b -> b.exhaustionOpenHorizon(Duration.ofHours(2)), "PT2H"),
        bad("recover_samples", b -> b.recoverSamples(0), "0"),
        bad("open_min", b -> b.openMin(Duration.ZERO), "PT0S"),
        bad("open_max", b -> b.openMax(Duration.ofDays(2)), "PT48H"),
        bad("half_open_ramp", b -> b.halfOpenRamp(Duration.ofSeconds(-5)), "PT-5S"),
        bad("half_open_probe_share", b -> b.halfOpenProbeShare(0), "0.0"),
        bad("outcome_window", b -> b.outcomeWindow(0), "0"),
        bad("outcome_min_calls", b -> b.outcomeMinCalls(-3), "-3"),
        bad("failure_rate_threshold", b -> b.failureRateThreshold(Double.NaN), "NaN"),
        bad("consecutive_failures", b -> b.consecutiveFailures(-1), "-1"),
        bad("slow_call_threshold", b -> b.slowCallThreshold(Duration.ofMillis(-1)), "PT-0.001S"),
        bad("slow_call_rate_threshold", b -> b.slowCallRateThreshold(2), "2.0"),
        bad("failure_codes", b -> b.failureCodes(Set.of(0)), "0"),
        bad("failure_codes", b -> b.failureCodes(Set.of(17)), "17"),
        bad("transition_history", b -> b.transitionHistory(0), "0"),
        bad("dimensions", b -> b.dimensions(EnumSet.of(Dimension.HEAP_USED)), "[HEAP_USED]"),
        // cross-field rules, checked in build()
        bad("recover", b -> b.recover(0.70), "0.7"),
        bad("warning", b -> b.warning(0.85), "0.85"),
        bad("degraded", b -> b.degraded(0.95), "0.95"),
        bad("critical_cap", b -> b.criticalCap(0.85), "0.85"),
        bad("emergency", b -> b.emergency(0.85), "0.85"),
        bad("open_min", b -> b.openMin(Duration.ofSeconds(90)), "PT1M30S"),
        bad(
            "exhaustion_open_horizon",
            b -> b.exhaustionOpenHorizon(Duration.ofSeconds(30)),
            "PT30S"),
        bad("outcome_min_calls", b -> b.outcomeMinCalls(101), "101"),
        bad(
            "growth_baseline_window",
            b -> b.growthBaselineWindow(Duration.ofSeconds(30)),
            "PT30S"));
  }

  private static Arguments bad(String field, Consumer<BreakerConfig.Builder> change, String value) {
    return Arguments.of(field, change, value);
  }

  @ParameterizedTest(name = "{0} = {2} is refused")
  @MethodSource("badValues")
  void aBadValueIsRefusedNamingItsFieldAndValue(
      String field, Consumer<BreakerConfig.Builder> change, String value) {
    assertThatThrownBy(
            () -> {
              BreakerConfig.Builder b = BreakerConfig.builder();
              change.accept(b);
              b.build();
            })
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field)
        .hasMessageContaining(value);
  }

  @Test
  void zeroHorizonsTurnProjectionsOffAndPassTheOrderRule() {
    BreakerConfig c =
        BreakerConfig.builder()
            .exhaustionOpenHorizon(Duration.ZERO)
            .exhaustionWarningHorizon(Duration.ZERO)
            .build();
    assertThat(c.exhaustionOpenHorizon()).isZero();
  }
}
