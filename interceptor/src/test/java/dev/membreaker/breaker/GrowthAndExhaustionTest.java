package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Growth against its baseline, and time to exhaustion, on synthetic live-set ramps. */
class GrowthAndExhaustionTest {

  private static BreakerConfig.Builder projections() {
    return BreakerConfig.builder().ewmaAlpha(1.0); // floor 0.5, horizons 30 s / 10 s: the defaults
  }

  /**
   * Ramps the live set from {@code from} by {@code perSecond} until {@code stop} or a transition.
   */
  private static double rampUntilTransition(Harness h, double from, double perSecond, double stop) {
    double p = from;
    int before = h.events.size();
    while (p < stop && h.events.size() == before) {
      p += perSecond * h.config.sampleInterval().toNanos() / 1e9;
      h.live(p);
    }
    return p;
  }

  @Test
  void aFastSurgeOpensOnItsProjectionBeforeItsLevelReachesTheOpenWatermark() {
    Harness h = new Harness(projections().build());
    h.hold(0.50, Duration.ofSeconds(4)); // a flat window first
    double at = rampUntilTransition(h, 0.50, 0.05, 1.0); // 5 % of the heap per second
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.EXHAUSTION_PROJECTION);
    assertThat(h.state()).isEqualTo(BreakerState.WARNING); // under 30 s first
    at = rampUntilTransition(h, at, 0.05, 1.0);
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.EXHAUSTION_PROJECTION);
    assertThat(at).isLessThan(h.config.open());
    double secondsLeft =
        h.breaker.status().signal(dev.membreaker.memory.Dimension.HEAP_LIVE).secondsToExhaustion();
    assertThat(secondsLeft).isLessThan(10.0);
  }

  @Test
  void aSlowLeakIsGradedByItsLevelNotItsProjection() {
    Harness h = new Harness(projections().build());
    h.hold(0.50, Duration.ofSeconds(4));
    double p = rampUntilTransition(h, 0.50, 0.003, 0.95); // 0.3 % a second: 100+ s to exhaustion
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.PRESSURE);
    assertThat(h.state()).isEqualTo(BreakerState.WARNING);
    assertThat(p).isGreaterThanOrEqualTo(0.70);
  }

  @Test
  void growthUnderTheOccupancyFloorIsNoAlarm() {
    Harness h = new Harness(projections().build());
    double p = rampUntilTransition(h, 0.05, 0.10, 0.49); // 10 % a second, but under 0.5
    assertThat(h.events).isEmpty();
    assertThat(p).isGreaterThanOrEqualTo(0.49);
  }

  /** A noisy flat live set long enough to fill the baseline, then a ramp. */
  private static Harness withBaseline(BreakerConfig config, long seed) {
    Harness h = new Harness(config);
    Random random = new Random(seed);
    for (int i = 0; i < 20 * 120; i++) { // two minutes of samples
      h.live(0.55 + 0.01 * random.nextGaussian() * 0.1);
    }
    assertThat(h.events).isEmpty();
    return h;
  }

  @Test
  void growthAtOrAboveItsP99SustainedOpens() {
    BreakerConfig config =
        projections()
            .exhaustionWarningHorizon(Duration.ZERO)
            .exhaustionOpenHorizon(Duration.ZERO)
            .build();
    Harness h = withBaseline(config, 1);
    double p = rampUntilTransition(h, 0.55, 0.03, 0.69); // 3 % a second: far above the baseline
    assertThat(h.state()).isEqualTo(BreakerState.WARNING); // at once: above 0.8 x P95
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.GROWTH);
    rampUntilTransition(h, p, 0.03, p + 0.03 * 0.05 * config.growthOpenSamples());
    assertThat(h.state()).isEqualTo(BreakerState.OPEN); // after growth_open_samples at P99
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.GROWTH);
    assertThat(h.lastEvent().pressure()).isLessThan(0.70);
  }

  @Test
  void growthAboveTheWarningFactorOfP95WarnsWhenP99CanNotBeSustained() {
    BreakerConfig config =
        projections()
            .exhaustionWarningHorizon(Duration.ZERO)
            .exhaustionOpenHorizon(Duration.ZERO)
            .growthOpenSamples(1000)
            .build();
    Harness h = withBaseline(config, 2);
    rampUntilTransition(h, 0.55, 0.03, 0.69);
    assertThat(h.state()).isEqualTo(BreakerState.WARNING);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.GROWTH);
  }

  @Test
  void growthSlowerThanTheMinimumRateNeverAlarmsWhateverItsBaseline() {
    BreakerConfig config =
        projections()
            .exhaustionWarningHorizon(Duration.ZERO)
            .exhaustionOpenHorizon(Duration.ZERO)
            .build();
    Harness h = withBaseline(config, 3);
    double p = rampUntilTransition(h, 0.55, 0.005, 0.69); // 0.5 % a second, under growth_min_rate
    assertThat(h.events).isEmpty();
    assertThat(p).isGreaterThanOrEqualTo(0.69);
  }
}
