package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.signal.SignalReading;

/**
 * How often the sampler polls: slowly when calm, at {@code sample_interval} when anything is near a
 * watermark.
 *
 * <p>Why. The live set changes only at a collection, and every GC notification wakes the sampler,
 * so polling at 50 ms while every dimension is far below its watermarks buys nothing but wake-ups,
 * and on a virtual machine a wake-up costs more than the sample itself. Calm means: every profile
 * HEALTHY, every level dimension's raw and smoothed pressure under the <em>calm ceiling</em> (0.05
 * under the lowest of {@code recover} and, for the live set, {@code occupancy_floor}, where growth
 * and the projection start to count; for the live set, when more than 2 % of the heap was allocated
 * straight into the old generation since the last collection, its upper bound with those bytes too,
 * since they bring no collection and so no notification as they fill the heap), raw heap used under
 * the emergency watermark, and the outcome window far from tripping. Then the sampler polls every
 * {@link #calmIntervalNanos} (ten intervals, at most a second, never less than one interval), and a
 * GC notification wakes it only when the new live set reaches the calm ceiling; anything else polls
 * at the full rate and every notification is graded at once. An override's expiry always cuts a
 * wait short.
 *
 * <p>Stateless; every method is a pure function of the published snapshot.
 */
final class Cadence {

  static final double MARGIN = 0.05;
  private static final long MAX_CALM_NANOS = 1_000_000_000L;

  private Cadence() {}

  /** How long the sampler waits between polls while calm. */
  static long calmIntervalNanos(BreakerConfig c) {
    long interval = c.sampleInterval().toNanos();
    return Math.max(interval, Math.min(10 * interval, MAX_CALM_NANOS));
  }

  /** The pressure at which a reading of {@code d} is near enough to a watermark to poll fast. */
  static double ceiling(BreakerConfig c, Dimension d) {
    double near =
        d == Dimension.HEAP_LIVE ? Math.min(c.recover(), c.occupancyFloor()) : c.recover();
    return Math.max(0, near - MARGIN);
  }

  /** Whether the snapshot is calm (see the class comment), the outcome window aside. */
  static boolean calm(Admission a) {
    if (!calm(a.status(), a.config())) {
      return false;
    }
    for (int i = 1; i <= a.cohortCount(); i++) {
      Admission cohort = a.cohortTable(i);
      if (!calm(cohort.status(), cohort.config())) {
        return false;
      }
    }
    return true;
  }

  private static boolean calm(BreakerStatus s, BreakerConfig c) {
    if (s.state() != BreakerState.HEALTHY) {
      return false;
    }
    for (SignalReading r : s.signals()) {
      if (!r.available()) {
        continue;
      }
      Dimension d = r.dimension();
      if (d == Dimension.HEAP_USED) {
        if (r.pressure() >= c.emergency()) {
          return false;
        }
      } else if (d.drivesLevels()
          && Math.max(r.pressure(), r.smoothedPressure()) >= ceiling(c, d)) {
        return false;
      }
      if (d == Dimension.HEAP_LIVE
          && s.liveSet() != null
          && s.liveSet().unseenReach(ceiling(c, d), r.limit())) {
        return false; // bytes no collection has seen, which bring none as they fill the heap
      }
    }
    return true;
  }

  /**
   * The live-set pressure at which a GC notification wakes the sampler: the calm ceiling while
   * calm, 0 (every notification) otherwise.
   */
  static double wakeAbove(Admission a, boolean calm) {
    if (!calm) {
      return 0;
    }
    double lowest = ceiling(a.config(), Dimension.HEAP_LIVE);
    for (int i = 1; i <= a.cohortCount(); i++) {
      lowest = Math.min(lowest, ceiling(a.cohortTable(i).config(), Dimension.HEAP_LIVE));
    }
    return lowest;
  }

  /** How long to wait from {@code now} for the next poll. */
  static long nextWaitNanos(Admission a, boolean calm, long now) {
    BreakerConfig c = a.config();
    long wait = calm ? calmIntervalNanos(c) : c.sampleInterval().toNanos();
    long expires = a.status().overrideExpiresAtNanos();
    if (expires != 0) {
      wait = Math.max(0, Math.min(wait, expires - now));
    }
    return wait;
  }
}
