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
 * @param liveEpoch the live set's freshness at this sample: its anchor count where the source
 *     gives evidence, else its collection count (0 when it is not read)
 * @param confirmLiveSet whether a shedding level was held at WARNING because it rested on
 *     unconfirmed live-set bytes: a confirming collection should measure them
 * @param liveSet what the live-set estimate rests on, or null where its source gives no evidence
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
    LiveSetEvidence liveSet) {

  /** The grade before any sample: nothing read yet. */
  static final Grade NONE = new Grade(BreakerState.HEALTHY, null, 0, null, List.of(), false, 0, false, null);
}
