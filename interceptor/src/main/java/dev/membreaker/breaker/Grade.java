package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.signal.SignalReading;
import java.util.List;

/**
 * What one sample's memory signals call for, before the state machine has moved: a level, the
 * cause, the breaker's pressure and the dimension that drives it. Immutable.
 *
 * @param level the state memory calls for (HEALTHY, WARNING, DEGRADED or OPEN)
 * @param cause why (null when the level is HEALTHY)
 * @param pressure the highest smoothed pressure of the level dimensions with a fresh reading
 * @param driving the dimension of that pressure, or null when none is readable
 * @param signals the profile's signals for the dimensions it watches
 * @param recovered whether the recover condition has held for {@code recover_samples} samples
 * @param liveEpoch the live set's freshness at this sample: its anchor count where the source gives
 *     evidence, else its collection count (0 when it is not read)
 * @param confirmLiveSet whether a shedding level was held at WARNING because it rested on
 *     unconfirmed live-set bytes: a confirming collection should measure them
 * @param confirmUrgently whether a measurement should come now, not when its usual pacing allows:
 *     the level held was OPEN (the estimate's growth or projection says the heap fills within the
 *     open horizon), or bytes allocated straight into the old generation, which no collection has
 *     seen, have taken the heap to the warning watermark
 * @param liveSet what the live-set estimate rests on, or null where its source gives no evidence
 * @param liveKnown false when the live set is read but its latest figure is older than the floor
 *     the state machine gave (no collection has measured it since): then nothing can be concluded
 *     from it, neither that memory recovered nor that it did not (true where it cannot be
 *     refreshed: then the state machine's timers decide)
 * @param liveFresh whether the live set was measured since that floor
 */
record Grade(
    BreakerState level,
    Cause cause,
    double pressure,
    Dimension driving,
    List<SignalReading> signals,
    boolean recovered,
    long liveEpoch,
    boolean confirmLiveSet,
    boolean confirmUrgently,
    LiveSetEvidence liveSet,
    boolean liveKnown,
    boolean liveFresh) {

  /**
   * Whether the live set is read but not measured since the floor: its figure may be waived ({@link
   * #liveKnown()} true where no refresh can come), but it measures nothing.
   */
  boolean liveStale() {
    return !liveFresh && measuredLiveBytes() >= 0;
  }

  /**
   * The live set's upper bound as a share of its limit: old and survivor data after the latest
   * collection, every promoted byte counted as live. 0 without live-set evidence or a figure
   * measured since the state machine's floor.
   */
  double upperPressure() {
    if (liveSet == null || !liveFresh) {
      return 0;
    }
    for (SignalReading s : signals) {
      if (s.dimension() == Dimension.HEAP_LIVE && s.available() && s.limit() > 0) {
        return liveSet.upperPressure(s.limit());
      }
    }
    return 0;
  }

  /**
   * Whether the live set's upper bound says memory is refilling: at or above {@code watermark} of
   * its limit. Never where reaching the limit brings a marking collection by itself (Parallel,
   * Serial: {@link LiveSetEvidence#fullUpperBringsAnchor()}): there the upper bound swings up to
   * its limit between full collections on garbage alone, and the anchors measure a refill.
   */
  boolean upperRefilling(double watermark) {
    return upperPressure() >= watermark && !(liveSet != null && liveSet.fullUpperBringsAnchor());
  }

  /**
   * What the latest measurement of the live set found, in bytes: the anchor where the source gives
   * evidence and can confirm, else its reading (where no anchor can be asked for, each collection's
   * figure is the measurement); -1 when the live set is not read.
   */
  long measuredLiveBytes() {
    for (SignalReading s : signals) {
      if (s.dimension() == Dimension.HEAP_LIVE && s.available()) {
        return liveSet != null && liveSet.canConfirm() ? liveSet.anchor() : s.used();
      }
    }
    return -1;
  }

  /** The live set's limit in bytes, 0 when it is not read. */
  long liveLimit() {
    for (SignalReading s : signals) {
      if (s.dimension() == Dimension.HEAP_LIVE && s.available()) {
        return s.limit();
      }
    }
    return 0;
  }

  /** The grade before any sample: nothing read yet. */
  static final Grade NONE =
      new Grade(
          BreakerState.HEALTHY,
          null,
          0,
          null,
          List.of(),
          false,
          0,
          false,
          false,
          null,
          true,
          false);
}
