package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.memory.MemoryReading;
import dev.membreaker.testing.FakeLiveSetSource;
import dev.membreaker.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Slow polls while nothing is near a watermark, fast ones otherwise, and when a GC wakes the
 * sampler.
 */
class CadenceTest {

  private static final long FAST = Duration.ofMillis(50).toNanos();
  private static final long CALM = Duration.ofMillis(500).toNanos();

  private static long waitAfter(Harness h) {
    return h.breaker.samplerForTest().waitNanos();
  }

  private static MemoryReading at(double pressure) {
    return new MemoryReading(Math.round(pressure * 1000), 1000, 1);
  }

  @Test
  void farFromEveryWatermarkItPollsEveryTenIntervalsAndOnlyANearReadingWakesIt() {
    Harness h = new Harness(); // recover 0.65, occupancy floor 1.0: the live set's ceiling is 0.60
    h.live(0.30);
    assertThat(waitAfter(h)).isEqualTo(CALM);
    assertThat(h.breaker.samplerForTest().needsGradingNow(at(0.59))).isFalse();
    assertThat(h.breaker.samplerForTest().needsGradingNow(at(0.60))).isTrue();
  }

  @Test
  void theOccupancyFloorLowersTheLiveSetsCeiling() {
    Harness h = new Harness(Harness.crisp().occupancyFloor(0.5).build());
    h.live(0.44);
    assertThat(waitAfter(h)).isEqualTo(CALM);
    assertThat(h.breaker.samplerForTest().needsGradingNow(at(0.45))).isTrue();
    h.live(0.46);
    assertThat(waitAfter(h)).isEqualTo(FAST);
  }

  @Test
  void nearAWatermarkItPollsAtTheIntervalAndEveryNotificationIsGradedAtOnce() {
    Harness h = new Harness();
    h.live(0.61);
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(waitAfter(h)).isEqualTo(FAST);
    assertThat(h.breaker.samplerForTest().needsGradingNow(at(0.0))).isTrue();
  }

  @Test
  void bytesNoCollectionHasSeenKeepItFastButTheUpperBoundAloneDoesNot() {
    FakeTicker ticker = new FakeTicker();
    FakeLiveSetSource live = new FakeLiveSetSource(1000);
    BreakerConfig c = Harness.crisp().build(); // the live set's ceiling is 0.60
    MemoryBreaker b =
        MemoryBreaker.builder()
            .config(c)
            .sources(List.of(live))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    live.anchor(0.20)
        .young(0.62, 0.30); // promoted garbage over the ceiling: a GC notification says so
    ticker.advance(c.sampleInterval());
    b.evaluateNow();
    assertThat(b.samplerForTest().waitNanos()).isEqualTo(CALM);
    live.unseen(
        0.10); // humongous buffers: no collection, so no notification, as they fill the heap
    ticker.advance(c.sampleInterval());
    b.evaluateNow();
    assertThat(b.samplerForTest().waitNanos()).isEqualTo(FAST);
    b.close();
  }

  @Test
  void anyOtherLevelDimensionNearItsWatermarkKeepsItFast() {
    Harness h = new Harness();
    h.direct.setPressure(0.61);
    h.live(0.2);
    assertThat(waitAfter(h)).isEqualTo(FAST);
    h.direct.setPressure(0.59);
    h.live(0.2);
    assertThat(waitAfter(h)).isEqualTo(CALM);
  }

  @Test
  void rawHeapAtTheEmergencyWatermarkKeepsItFast() {
    Harness h = new Harness();
    h.used.setPressure(0.98); // emergency is 0.97
    h.live(0.2);
    assertThat(waitAfter(h)).isEqualTo(FAST);
  }

  @Test
  void everyStateButHealthyPollsFast() {
    Harness h = new Harness(Harness.crisp().recoverSamples(3).build());
    h.live(0.72);
    assertThat(h.state()).isEqualTo(BreakerState.WARNING);
    h.live(0.2);
    assertThat(h.state()).isEqualTo(BreakerState.WARNING); // recovering: not yet 3 samples
    assertThat(waitAfter(h)).isEqualTo(FAST);
    h.live(0.2).live(0.2);
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(waitAfter(h)).isEqualTo(CALM);
  }

  @Test
  void anOutcomeWindowNearTrippingKeepsItFast() {
    Harness h = new Harness(); // outcome window 100, 20 calls minimum, trips at 50 % failures
    for (int i = 0; i < 20; i++) {
      h.breaker.recordOutcome(i % 4 == 0 ? 14 : 0, 1000); // 25 %: half the threshold
    }
    h.live(0.2);
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(waitAfter(h)).isEqualTo(FAST);
  }

  @Test
  void anOverridesExpiryCutsTheWaitShort() {
    Harness h = new Harness();
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "drill", Duration.ofMillis(120));
    h.live(0.2);
    assertThat(waitAfter(h)).isEqualTo(Duration.ofMillis(70).toNanos());
  }

  @Test
  void theCalmIntervalIsTenIntervalsAtMostASecondAndNeverUnderOne() {
    assertThat(
            Cadence.calmIntervalNanos(
                Harness.crisp().sampleInterval(Duration.ofMillis(20)).build()))
        .isEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(
            Cadence.calmIntervalNanos(
                Harness.crisp().sampleInterval(Duration.ofMillis(250)).build()))
        .isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(
            Cadence.calmIntervalNanos(
                Harness.crisp().sampleInterval(Duration.ofSeconds(2)).build()))
        .isEqualTo(Duration.ofSeconds(2).toNanos());
  }
}
