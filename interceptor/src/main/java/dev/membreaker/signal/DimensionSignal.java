package dev.membreaker.signal;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;

/**
 * Turns the raw readings of one dimension into signals: EWMA-smoothed pressure, growth rate
 * (least-squares slope of bytes used over the sliding window), the growth rate's long-window P95
 * and P99, and the projected time until the dimension reaches its limit at that slope. Not
 * thread-safe; owned by the sampler thread.
 */
public final class DimensionSignal {

  private final Dimension dimension;
  private final Ewma ewma;
  private final SampleWindow window;
  private final PercentileBaseline growthBaseline;

  /**
   * @param windowSize samples in the sliding window
   * @param ewmaAlpha weight of each new pressure in the EWMA
   * @param baselineWindowNanos how far back the growth baseline reaches
   * @param baselineRecordNanos spacing of the baseline's observations
   */
  public DimensionSignal(
      Dimension dimension,
      int windowSize,
      double ewmaAlpha,
      long baselineWindowNanos,
      long baselineRecordNanos) {
    this.dimension = dimension;
    this.ewma = new Ewma(ewmaAlpha);
    this.window = new SampleWindow(windowSize);
    this.growthBaseline = new PercentileBaseline(baselineWindowNanos, baselineRecordNanos);
  }

  /**
   * Starts the smoothing afresh at the next reading: for a figure that was just measured rather
   * than estimated (a new live-set anchor), which smoothing would only delay. The growth window and
   * baseline are kept: an anchor below the estimates before it reads as a fall, one above them as
   * growth, and both are true.
   */
  public void restart() {
    ewma.restart();
  }

  /** Folds in a reading taken at {@code nanos} and returns the signals as they now stand. */
  public SignalReading update(long nanos, MemoryReading reading) {
    if (!reading.available()) {
      return SignalReading.unavailable(dimension);
    }
    double pressure = reading.pressure();
    double smoothed = ewma.update(pressure);
    window.add(nanos, reading.used());
    double growth = window.slopePerSecond();
    growthBaseline.offer(nanos, growth);
    double secondsLeft =
        growth > 0
            ? Math.max(0, reading.limit() - reading.used()) / growth
            : Double.POSITIVE_INFINITY;
    return new SignalReading(
        dimension,
        true,
        reading.used(),
        reading.limit(),
        pressure,
        smoothed,
        growth,
        growthBaseline.p95(),
        growthBaseline.p99(),
        growthBaseline.size(),
        secondsLeft,
        reading.epoch());
  }
}
