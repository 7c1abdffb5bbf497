package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.signal.SignalReading;
import java.time.Instant;
import java.util.List;

/**
 * What the breaker knows at one moment: its state and why, the override in force, the pressure and
 * which dimension drives it, every dimension's signals, and the sampler's health. Immutable; one is
 * built per sample on the sampler thread and published with the {@link Admission}.
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
 * @param configVersion the version of the config published with this status
 * @param sequence the breaker's publication number: every change the breaker publishes (a sample,
 *     an override, a config, a stalled sampler) gets the next one, so a reader that sees a higher
 *     sequence sees a newer status, and never a lower one after a higher one
 * @param liveSet what the live-set estimate rests on (the collector, the anchor, the upper bound,
 *     confirming collections), or null when the live set's source gives no evidence
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
    double halfOpenShare,
    long configVersion,
    long sequence,
    LiveSetEvidence liveSet) {

  /** The signals of one dimension, or an unavailable reading when it is not read. */
  public SignalReading signal(Dimension dimension) {
    for (SignalReading s : signals) {
      if (s.dimension() == dimension) {
        return s;
      }
    }
    return SignalReading.unavailable(dimension);
  }

  /** The one place a status is made from a judgement. */
  static BreakerStatus of(
      Judgement j,
      OverrideState o,
      SamplerHealth health,
      long sampledAtNanos,
      long configVersion,
      long sequence) {
    Grade g = j.grade();
    return new BreakerStatus(
        j.state(),
        j.cause(),
        j.enteredAtNanos(),
        j.since(),
        o.mode(),
        o.reason(),
        o.expiresAtNanos(),
        g.driving(),
        g.pressure(),
        g.signals(),
        health,
        sampledAtNanos,
        j.transitions(),
        j.openUntilNanos(),
        j.halfOpenShare(),
        configVersion,
        sequence,
        g.liveSet());
  }

  /** The override in force, as one value. */
  OverrideState overrideState() {
    return override == OverrideMode.NONE
        ? OverrideState.NONE
        : new OverrideState(override, overrideReason, overrideExpiresAtNanos);
  }

  /**
   * This status with another override, sampler health or config version, as publication {@code
   * seq}.
   */
  BreakerStatus republished(OverrideState o, SamplerHealth health, long version, long seq) {
    return new BreakerStatus(
        state,
        cause,
        sinceNanos,
        since,
        o.mode(),
        o.reason(),
        o.expiresAtNanos(),
        drivingDimension,
        pressure,
        signals,
        health,
        sampledAtNanos,
        transitions,
        openUntilNanos,
        halfOpenShare,
        version,
        seq,
        liveSet);
  }
}
