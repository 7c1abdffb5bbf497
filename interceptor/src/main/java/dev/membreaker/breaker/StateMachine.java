package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HALF_OPEN;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import java.time.Instant;

/**
 * Turns grades into transitions, one sample at a time, and returns the result as a
 * {@link Judgement}.
 *
 * <p>Rising is immediate, to any higher level. Falling needs the grade's recover condition and
 * goes straight to HEALTHY, so a pressure oscillating around a watermark moves the breaker once,
 * not at every crossing. OPEN lasts its open time; then HALF_OPEN admits a share of calls rising
 * from the probe share to all over the ramp. A relapse in HALF_OPEN (level DEGRADED or worse, or
 * the outcome breaker tripping) reopens with the open time doubled up to {@code open_max}; the
 * doubling resets at HEALTHY. In HALF_OPEN the live set counts only once a collection has
 * measured it afresh ({@link #liveEpochFloor()}): the figure from before OPEN is stale, and would
 * otherwise send the breaker straight back to OPEN whenever too little was allocated in OPEN to
 * cause a collection. Every move is checked against {@link TransitionTable}.
 *
 * <p>Not thread-safe: owned by its {@link Profile}.
 */
final class StateMachine {

  private BreakerState state = HEALTHY;
  private Cause cause;
  private long enteredAt;
  private Instant since;
  private long openDurationNanos;
  private long openUntil;
  private long halfOpenStart;
  private long liveEpochAtHalfOpen;
  private long transitions;

  StateMachine(BreakerConfig config, long now, Instant wallNow) {
    this.enteredAt = now;
    this.since = wallNow;
    this.openDurationNanos = config.openMin().toNanos();
  }

  /** Keeps the open time within the new bounds; an undoubled open time follows the new minimum. */
  void reconfigure(BreakerConfig before, BreakerConfig next) {
    long min = next.openMin().toNanos();
    boolean doubled = openDurationNanos != before.openMin().toNanos();
    openDurationNanos = doubled ? Math.min(next.openMax().toNanos(), Math.max(min, openDurationNanos)) : min;
  }

  /** The live set counts only with an epoch above this: in HALF_OPEN, the one at its start. */
  long liveEpochFloor() {
    return state == HALF_OPEN ? liveEpochAtHalfOpen : -1;
  }

  BreakerState state() {
    return state;
  }

  /**
   * Moves as the grade (and the outcome breaker's verdict, a cause to open for or null) call for.
   */
  Judgement step(BreakerConfig config, long now, Instant wallNow, Grade grade, Cause outcomeVerdict) {
    BreakerState level = grade.level();
    Cause why = grade.cause();
    Judgement.Step step = null;
    switch (state) {
      case HEALTHY:
      case WARNING:
      case DEGRADED:
        if (outcomeVerdict != null && level != OPEN) {
          level = OPEN;
          why = outcomeVerdict;
        }
        if (level.severity() > state.severity()) {
          step = move(config, now, wallNow, level, why, grade);
        } else if (state != HEALTHY && grade.recovered()) {
          step = move(config, now, wallNow, HEALTHY, Cause.RECOVERED, grade);
        }
        break;
      case OPEN:
        if (now - openUntil >= 0) {
          step = move(config, now, wallNow, HALF_OPEN, Cause.OPEN_TIME_ELAPSED, grade);
        }
        break;
      case HALF_OPEN:
        if (level.severity() >= DEGRADED.severity() || outcomeVerdict != null) {
          openDurationNanos = Math.min(config.openMax().toNanos(), openDurationNanos * 2);
          step = move(config, now, wallNow, OPEN, Cause.RELAPSE, grade);
        } else if (now - halfOpenStart >= config.halfOpenRamp().toNanos()) {
          step = grade.recovered()
              ? move(config, now, wallNow, HEALTHY, Cause.RECOVERED, grade)
              : move(config, now, wallNow, WARNING, Cause.RAMP_COMPLETE, grade);
        }
        break;
    }
    return new Judgement(state, cause, enteredAt, since, openUntil, transitions,
        halfOpenShare(config, now), grade, step);
  }

  private double halfOpenShare(BreakerConfig config, long now) {
    if (state != HALF_OPEN) {
      return 1;
    }
    long ramp = config.halfOpenRamp().toNanos();
    double done = ramp == 0 ? 1 : Math.min(1, (double) (now - halfOpenStart) / ramp);
    double probe = config.halfOpenProbeShare();
    return probe + (1 - probe) * done;
  }

  private Judgement.Step move(
      BreakerConfig config, long now, Instant wallNow, BreakerState to, Cause why, Grade grade) {
    BreakerState from = state;
    TransitionTable.check(from, to);
    state = to;
    cause = why;
    enteredAt = now;
    since = wallNow;
    transitions++;
    if (to == OPEN) {
      openUntil = now + openDurationNanos;
    } else if (to == HALF_OPEN) {
      halfOpenStart = now;
      liveEpochAtHalfOpen = grade.liveEpoch();
    } else if (to == HEALTHY) {
      openDurationNanos = config.openMin().toNanos();
    }
    return new Judgement.Step(from, to, why);
  }
}
