package dev.membreaker.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import org.junit.jupiter.api.Test;

class SignalsTest {

  private static final long MS = 1_000_000L;

  @Test
  void ewmaStartsAtTheFirstValueAndMovesByAlpha() {
    Ewma e = new Ewma(0.2);
    assertThat(e.update(0.5)).isEqualTo(0.5);
    assertThat(e.update(1.0)).isCloseTo(0.6, within(1e-12));
  }

  @Test
  void theWindowSlopeOfALineIsItsRate() {
    SampleWindow w = new SampleWindow(64);
    for (int i = 0; i < 100; i++) {
      w.add(i * 50 * MS, 1000 + 200.0 * i * 0.05); // 200 units a second
    }
    assertThat(w.size()).isEqualTo(64);
    assertThat(w.slopePerSecond()).isCloseTo(200.0, within(1e-6));
    assertThat(w.spanNanos()).isEqualTo(63 * 50 * MS);
  }

  @Test
  void theBaselineKeepsOneObservationPerIntervalAndItsPercentiles() {
    PercentileBaseline b = new PercentileBaseline(100_000 * MS, 1000 * MS);
    for (int i = 0; i < 100; i++) {
      b.offer(i * 1000 * MS, i + 1); // 1..100
      b.offer(i * 1000 * MS + 500 * MS, 1_000_000); // inside the interval: ignored
    }
    assertThat(b.size()).isEqualTo(100);
    assertThat(b.p95()).isEqualTo(95);
    assertThat(b.p99()).isEqualTo(99);
  }

  @Test
  void theBaselineForgetsWhatLeftItsWindow() {
    PercentileBaseline b = new PercentileBaseline(10_000 * MS, 1000 * MS); // ten observations
    for (int i = 0; i < 10; i++) {
      b.offer(i * 1000 * MS, 1000);
    }
    for (int i = 10; i < 20; i++) {
      b.offer(i * 1000 * MS, 1);
    }
    assertThat(b.p99()).isEqualTo(1);
  }

  @Test
  void timeToExhaustionProjectsTheSlopeToTheLimit() {
    DimensionSignal s = new DimensionSignal(Dimension.HEAP_LIVE, 64, 1.0, 600_000 * MS, 1000 * MS);
    SignalReading r = null;
    for (int i = 0; i <= 40; i++) { // 2 s at 50 ms: 10 MB a second from 500 MB, limit 1000 MB
      r =
          s.update(
              i * 50 * MS, MemoryReading.of(500_000_000L + 10_000_000L * i / 20, 1_000_000_000L));
    }
    assertThat(r.growthBytesPerSecond()).isCloseTo(10_000_000, within(1.0));
    assertThat(r.secondsToExhaustion())
        .isCloseTo(48.0, within(0.01)); // (1000 - 520) MB at 10 MB/s;
    assertThat(r.pressure()).isCloseTo(0.52, within(1e-9));
  }

  @Test
  void aFlatOrShrinkingDimensionNeverExhausts() {
    DimensionSignal s = new DimensionSignal(Dimension.HEAP_LIVE, 8, 0.2, 600_000 * MS, 1000 * MS);
    SignalReading r = null;
    for (int i = 0; i < 20; i++) {
      r = s.update(i * 50 * MS, MemoryReading.of(900 - i, 1000));
    }
    assertThat(r.secondsToExhaustion()).isInfinite();
    assertThat(s.update(2000 * MS, MemoryReading.unavailable()).available()).isFalse();
  }
}
