package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.signal.SignalReading;
import java.time.Instant;
import java.util.List;

/**
 * What the breaker knows at one moment: its state and why, the override in force, the pressure
 * and which dimension drives it, every dimension's signals, and the sampler's health. Immutable;
 * one is built per sample on the sampler thread and published with the {@link Admission}.
 *
 * @param state the state machine's state
 * @param cause why the breaker entered {@code state} (null before the first transition)
 * @param sinceNanos ticker time the state was entered
 * @param since wall-clock time the state was entered
 * @param override the operator override in force
 * @param overrideReason the reason given with the override ("" for none)
 * @param overrideExpiresAtNanos ticker time the override clears itself, or 0 for never
 * @param drivingDimension the dimension with the highest pressure, or null when none is available
 * @param pressure the breaker's pressure: the highest smoothed pressure of the level dimensions
 * @param signals every dimension's signals at the latest sample
 * @param samplerHealth whether samples arrive
 * @param sampledAtNanos ticker time of the latest sample
 * @param transitions transitions since start
 * @param openUntilNanos ticker time OPEN ends (meaningful in OPEN)
 * @param halfOpenShare the share of non-critical calls HALF_OPEN admits now (1 elsewhere)
 */
public record BreakerStatus(
    BreakerState state,
    Cause cause,
    long sinceNanos,
    Instant since,
    OverrideMode override,
    String overrideReason,
    long overrideExpiresAtNanos,
    Dimension drivingDimension,
    double pressure,
    List<SignalReading> signals,
    SamplerHealth samplerHealth,
    long sampledAtNanos,
    long transitions,
    long openUntilNanos,
    double halfOpenShare) {

  /** The signals of one dimension, or an unavailable reading when it is not read. */
  public SignalReading signal(Dimension dimension) {
    for (SignalReading s : signals) {
      if (s.dimension() == dimension) {
        return s;
      }
    }
    return SignalReading.unavailable(dimension);
  }

  BreakerStatus withOverride(OverrideState o) {
    return new BreakerStatus(
        state, cause, sinceNanos, since, o.mode(), o.reason(), o.expiresAtNanos(),
        drivingDimension, pressure, signals, samplerHealth, sampledAtNanos, transitions,
        openUntilNanos, halfOpenShare);
  }

  BreakerStatus withSamplerHealth(SamplerHealth health) {
    return new BreakerStatus(
        state, cause, sinceNanos, since, override, overrideReason, overrideExpiresAtNanos,
        drivingDimension, pressure, signals, health, sampledAtNanos, transitions, openUntilNanos,
        halfOpenShare);
  }
}
