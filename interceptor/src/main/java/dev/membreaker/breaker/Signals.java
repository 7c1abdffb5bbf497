package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.signal.DimensionSignal;
import dev.membreaker.signal.SignalReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The signals of every dimension under one set of signal settings (window, EWMA, baseline), updated
 * once per sample and shared by every profile (the default one and the cohorts) whose settings are
 * the same, so a cohort does not recompute what the default profile already has. Not thread-safe:
 * owned by the engine, which runs on one thread at a time.
 */
final class Signals {

  /** What makes two profiles' signals the same. */
  record Settings(int windowSize, double ewmaAlpha, long baselineWindowNanos) {
    static Settings of(BreakerConfig c) {
      return new Settings(c.windowSize(), c.ewmaAlpha(), c.growthBaselineWindow().toNanos());
    }
  }

  private static final long BASELINE_RECORD_NANOS = 1_000_000_000L;

  private final Settings settings;
  private final Map<Dimension, DimensionSignal> byDimension = new EnumMap<>(Dimension.class);
  private List<SignalReading> latest = List.of();

  Signals(Settings settings) {
    this.settings = settings;
  }

  /** Folds in one sample's readings (null where a dimension was not read). */
  void update(long now, MemoryReading[] readings) {
    List<SignalReading> current = new ArrayList<>(readings.length);
    for (Dimension d : Dimension.values()) {
      MemoryReading r = readings[d.ordinal()];
      if (r != null) {
        current.add(signal(d).update(now, r));
      }
    }
    latest = Collections.unmodifiableList(current);
  }

  /** Starts {@code d}'s smoothing afresh at its next reading. */
  void restart(Dimension d) {
    DimensionSignal s = byDimension.get(d);
    if (s != null) {
      s.restart();
    }
  }

  /** The signals as of the latest sample, in dimension order. */
  List<SignalReading> latest() {
    return latest;
  }

  private DimensionSignal signal(Dimension d) {
    DimensionSignal s = byDimension.get(d);
    if (s == null) {
      s =
          new DimensionSignal(
              d,
              settings.windowSize(),
              settings.ewmaAlpha(),
              settings.baselineWindowNanos(),
              BASELINE_RECORD_NANOS);
      byDimension.put(d, s);
    }
    return s;
  }
}
