package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.signal.SignalReading;
import java.time.Instant;
import java.util.List;

/**
 * One state change. Immutable.
 *
 * @param from the state left
 * @param to the state entered
 * @param cause why
 * @param override the override in force at the time
 * @param drivingDimension the dimension with the highest pressure (null if none was readable)
 * @param pressure the breaker's pressure at the time
 * @param signals every dimension's signals at the time
 * @param thresholds the config in force
 * @param atNanos ticker time of the transition
 * @param at wall-clock time of the transition
 * @param liveSet what the live-set estimate rested on at the time (null without such evidence)
 */
public record TransitionEvent(
    BreakerState from,
    BreakerState to,
    Cause cause,
    OverrideMode override,
    Dimension drivingDimension,
    double pressure,
    List<SignalReading> signals,
    BreakerConfig thresholds,
    long atNanos,
    Instant at,
    LiveSetEvidence liveSet) {

  @Override
  public String toString() {
    return String.format(
        "%s -> %s (%s, %s %.3f%s)",
        from,
        to,
        cause,
        drivingDimension == null ? "no dimension" : drivingDimension.id(),
        pressure,
        override == OverrideMode.NONE ? "" : ", override " + override);
  }
}
