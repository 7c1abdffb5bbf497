package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HALF_OPEN;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import java.time.Instant;

/**
 * Turns grades into transitions, one sample at a time, and returns the result as a {@link
 * Judgement}.
 *
 * <p>Rising is immediate, to any higher level. Falling needs the grade's recover condition ({@code
 * recover_samples} samples under the recover watermark) to hold for a time as well, the recover
 * time, and goes straight to HEALTHY, so a pressure oscillating around a watermark moves the
 * breaker once, not at every crossing. The recover time is {@code recover_time} and doubles, up to
 * {@link #MAX_RECOVER_NANOS}, each time the breaker rises again within {@link #FLAP_WINDOW_NANOS}
 * of recovering: a reading that keeps crossing cannot make it flap. It returns to its base after a
 * flap window spent HEALTHY.
 *
 * <p>OPEN for memory (a level, not the outcome breaker) ends when memory says so, not on a timer:
 * as soon as the recover condition holds on readings taken since OPEN began (where none can be
 * asked for and none has come, only on its open time), or when its open time is up and memory is
 * under the warning watermark; either way with the live set's upper bound under the warning
 * watermark too (HALF_OPEN would relapse on it at once; not with Parallel and Serial, whose upper
 * bound fills to a full collection on garbage alone: {@link Grade#upperRefilling})). A live set no
 * collection has measured since OPEN began ({@link Grade#liveKnown()} false) says nothing, so it
 * neither ends OPEN nor lets HALF_OPEN close; the engine asks for refreshing collections meanwhile.
 * OPEN for the outcome breaker lasts its open time.
 *
 * <p>A reading made low by shedding is not a recovery ({@link RefillGuard}): after OPEN for the
 * live set, with calls it could refuse admitted before, OPEN ends early only once the live set has
 * stopped falling and the headroom holds at least the probe share of the calls offered now, and
 * HALF_OPEN's share never rises above what the headroom holds; it neither closes nor completes its
 * ramp until the whole demand fits. Once what its own calls hold was seen, that closes it after the
 * recover time, without waiting for the live set to hold still.
 *
 * <p>HALF_OPEN admits a share of calls rising from the probe share to all over the ramp. After OPEN
 * for memory it closes early, once recovered for the recover time, when the live set has held still
 * while it probed (three measurements in a row, each within 2 % of the heap of the first): the
 * calls it let through held nothing, so the load that filled memory is gone (memory is low after
 * OPEN only because calls were shed; a surge still arriving would fill it again at once). A relapse
 * in HALF_OPEN (level DEGRADED or worse, the outcome breaker tripping, or after OPEN for memory the
 * live set's upper bound at the warning watermark: while probing, promoted bytes count as live
 * rather than wait for a confirmation) reopens with the open time doubled up to {@code open_max};
 * the doubling resets at HEALTHY. Every move is checked against {@link TransitionTable}.
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
  private long liveEpochAtOpen;
  private long liveEpochAtHalfOpen;
  private long liveBytesAtHalfOpen;
  private int stillMeasurements;
  private boolean openForMemory;
  private long transitions;
  private long recoveredSince = -1;
  private long recoverNanos;
  private long recoveredAt;
  private boolean everRecovered;
  private final RefillGuard refill;
  private double allowedShare = 1;

  /** The most the recover time doubles to while the breaker flaps. */
  static final long MAX_RECOVER_NANOS = 16_000_000_000L;

  /** A rise this soon after recovering counts as a flap. */
  static final long FLAP_WINDOW_NANOS = 10_000_000_000L;

  /**
   * @param demand the rates of the calls the breaker could refuse, or null when none are counted
   *     (then nothing is held back on their account)
   */
  StateMachine(BreakerConfig config, long now, Instant wallNow, DemandMeter demand) {
    this.refill = new RefillGuard(demand);
    this.enteredAt = now;
    this.since = wallNow;
    this.openDurationNanos = config.openMin().toNanos();
    this.recoverNanos = config.recoverTime().toNanos();
  }

  /** Keeps the open time within the new bounds; an undoubled open time follows the new minimum. */
  void reconfigure(BreakerConfig before, BreakerConfig next) {
    long min = next.openMin().toNanos();
    boolean doubled = openDurationNanos != before.openMin().toNanos();
    openDurationNanos =
        doubled ? Math.min(next.openMax().toNanos(), Math.max(min, openDurationNanos)) : min;
    long base = next.recoverTime().toNanos();
    recoverNanos =
        recoverNanos == before.recoverTime().toNanos() || base == 0
            ? base
            : Math.min(MAX_RECOVER_NANOS, Math.max(base, recoverNanos));
  }

  /**
   * The live set counts only with an epoch above this: in OPEN and HALF_OPEN, the one at OPEN's
   * start (a figure from before OPEN cannot say that memory recovered since).
   */
  long liveEpochFloor() {
    return state == OPEN || state == HALF_OPEN ? liveEpochAtOpen : -1;
  }

  BreakerState state() {
    return state;
  }

  /**
   * Moves as the grade (and the outcome breaker's verdict, a cause to open for or null) call for.
   */
  Judgement step(
      BreakerConfig config, long now, Instant wallNow, Grade grade, Cause outcomeVerdict) {
    BreakerState level = grade.level();
    Cause why = grade.cause();
    if (!grade.recovered()) {
      recoveredSince = -1;
    } else if (recoveredSince < 0) {
      recoveredSince = now;
    }
    boolean recovered =
        grade.recovered() && grade.liveKnown() && now - recoveredSince >= recoverNanos;
    boolean probing = state == OPEN || state == HALF_OPEN;
    refill.observe(now, grade, config);
    allowedShare = probing ? refill.allowedShare(config, grade.liveLimit()) : 1;
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
          step =
              move(
                  config,
                  now,
                  wallNow,
                  level,
                  why,
                  grade,
                  outcomeVerdict == null || why != outcomeVerdict);
        } else if (state != HEALTHY && recovered) {
          step = move(config, now, wallNow, HEALTHY, Cause.RECOVERED, grade, false);
        }
        break;
      case OPEN:
        boolean timeUp = now - openUntil >= 0;
        if (!openForMemory) {
          if (timeUp) {
            step = move(config, now, wallNow, HALF_OPEN, Cause.OPEN_TIME_ELAPSED, grade, false);
          }
        } else if (recovered
            && !grade.liveStale()
            && !grade.upperRefilling(config.warning())
            && refill.drainSettled()
            && allowedShare >= config.halfOpenProbeShare()) {
          // Recovered means measured so: a live set only waived (no collection since OPEN, and
          // none can be asked for) leaves OPEN on its open time, which doubles at each relapse.
          // And a reading made low by shedding is no recovery while what is refused would not
          // fit: then OPEN lasts its open time, and HALF_OPEN admits no more than fits.
          step = move(config, now, wallNow, HALF_OPEN, Cause.RECOVERED, grade, false);
        } else if (timeUp
            && grade.liveKnown()
            && level.severity() < WARNING.severity()
            && !grade.upperRefilling(config.warning())) {
          step = move(config, now, wallNow, HALF_OPEN, Cause.OPEN_TIME_ELAPSED, grade, false);
        }
        break;
      case HALF_OPEN:
        boolean refilling = openForMemory && grade.upperRefilling(config.warning());
        boolean heldNothing = probesHeldNothing(grade);
        if (level.severity() >= DEGRADED.severity() || outcomeVerdict != null || refilling) {
          openDurationNanos = Math.min(config.openMax().toNanos(), openDurationNanos * 2);
          step = move(config, now, wallNow, OPEN, Cause.RELAPSE, grade, outcomeVerdict == null);
        } else if (allowedShare < 1) {
          break; // what it refuses would not fit: it neither closes nor completes its ramp
        } else if ((refill.seenWhileProbing() || heldNothing)
            && openForMemory
            && recovered
            && now - halfOpenStart >= recoverNanos) {
          // The whole demand fits, by what the probes were seen to hold or because they held
          // nothing.
          step = move(config, now, wallNow, HEALTHY, Cause.RECOVERED, grade, false);
        } else if (now - halfOpenStart >= config.halfOpenRamp().toNanos()) {
          step =
              recovered
                  ? move(config, now, wallNow, HEALTHY, Cause.RECOVERED, grade, false)
                  : move(config, now, wallNow, WARNING, Cause.RAMP_COMPLETE, grade, false);
        }
        break;
    }
    return new Judgement(
        state,
        cause,
        enteredAt,
        since,
        openUntil,
        transitions,
        halfOpenShare(config, now),
        grade,
        step);
  }

  /**
   * Whether the live set has held still while HALF_OPEN probed: the last three measurements, the
   * latter two taken while it probed, each within 2 % of the limit of the first. Then the calls it
   * let through hold nothing, and memory is not still draining (a fall can hide what the probes
   * add, and once did for one interval): the load that filled memory is gone. Without it, HALF_OPEN
   * ramps: memory is low after OPEN only because calls were shed, and a surge still arriving would
   * fill it again at once. True when the live set is not read. Called at every sample in HALF_OPEN.
   */
  private boolean probesHeldNothing(Grade grade) {
    long bytes = grade.measuredLiveBytes();
    if (bytes < 0) {
      return true;
    }
    if (grade.liveEpoch() > liveEpochAtHalfOpen) {
      // Against the first of the run, not the one before: probes that add a little at each
      // measurement add up.
      boolean still = Math.abs(bytes - liveBytesAtHalfOpen) < grade.liveLimit() / 50;
      stillMeasurements = still ? stillMeasurements + 1 : 0;
      liveEpochAtHalfOpen = grade.liveEpoch();
      if (!still) {
        liveBytesAtHalfOpen = bytes;
      }
    }
    return stillMeasurements >= 2;
  }

  private double halfOpenShare(BreakerConfig config, long now) {
    if (state != HALF_OPEN) {
      return 1;
    }
    long ramp = config.halfOpenRamp().toNanos();
    double done = ramp == 0 ? 1 : Math.min(1, (double) (now - halfOpenStart) / ramp);
    double probe = config.halfOpenProbeShare();
    return Math.min(probe + (1 - probe) * done, Math.max(probe, allowedShare));
  }

  /**
   * @param forMemory for a move to OPEN: whether memory calls for it (not the outcome breaker)
   */
  private Judgement.Step move(
      BreakerConfig config,
      long now,
      Instant wallNow,
      BreakerState to,
      Cause why,
      Grade grade,
      boolean forMemory) {
    BreakerState from = state;
    TransitionTable.check(from, to);
    if (from == HEALTHY) {
      // Rising again soon after recovering is a flap: the next recovery waits twice as long.
      recoverNanos =
          everRecovered && now - recoveredAt < FLAP_WINDOW_NANOS
              ? Math.min(MAX_RECOVER_NANOS, recoverNanos * 2)
              : config.recoverTime().toNanos();
    }
    recoveredSince = -1;
    state = to;
    cause = why;
    enteredAt = now;
    since = wallNow;
    transitions++;
    if (to == OPEN) {
      openUntil = now + openDurationNanos;
      openForMemory = forMemory;
      if (forMemory) {
        refill.opened(now, grade);
      } else {
        refill.closed();
      }
      if (from != HALF_OPEN) {
        liveEpochAtOpen = grade.liveEpoch();
      } else {
        liveEpochAtOpen = Math.max(liveEpochAtOpen, grade.liveEpoch());
      }
    } else if (to == HALF_OPEN) {
      halfOpenStart = now;
      refill.halfOpened(now);
      liveEpochAtHalfOpen = grade.liveEpoch();
      liveBytesAtHalfOpen = grade.measuredLiveBytes();
      stillMeasurements = 0;
    } else {
      refill.closed();
    }
    if (to == HEALTHY) {
      openDurationNanos = config.openMin().toNanos();
      recoveredAt = now;
      everRecovered = true;
    }
    return new Judgement.Step(from, to, why);
  }
}
