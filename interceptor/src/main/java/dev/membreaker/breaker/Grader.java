package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.signal.SignalReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Grades one sample's signals into the level memory calls for, and returns it as a {@link Grade}.
 *
 * <p>The pressure is the highest smoothed (EWMA) pressure of the dimensions that drive levels; the
 * warning, degraded and open watermarks grade it. Above the occupancy floor the live set also
 * counts by its growth (at or above factor × P95 is WARNING, at or above P99 for {@code
 * growth_open_samples} samples in a row is OPEN; only once the baseline holds its minimum of
 * observations, and only growth faster than {@code growth_min_rate} of the limit a second) and by
 * its projected time to exhaustion (under the warning horizon WARNING, under the open horizon for
 * the same run of samples OPEN), so a fast surge opens before its level crosses the open watermark.
 * Raw heap used counts only for the emergency level: at or above the emergency watermark across
 * {@code emergency_collections} collections, the level is OPEN; between collections raw used is
 * mostly garbage and says nothing. The live set counts only when its epoch is above the floor the
 * state machine gives (HALF_OPEN ignores a figure from before OPEN).
 *
 * <p>The runs of samples (growth, projection, emergency, recovery) are the grader's only state. Not
 * thread-safe: owned by its {@link Profile}.
 */
final class Grader {

  private int belowRecover;
  private int growthOpenRun;
  private int exhaustionOpenRun;
  private long emergencyStartEpoch = -1;

  /**
   * @param signals every dimension's signals at this sample
   * @param liveEpochFloor the live set counts only with an epoch above this (-1: always)
   */
  Grade grade(
      BreakerConfig config,
      List<SignalReading> signals,
      long liveEpochFloor,
      LiveSetEvidence evidence) {
    List<SignalReading> watched = new ArrayList<>(signals.size());
    SignalReading live = null;
    SignalReading used = null;
    for (SignalReading s : signals) {
      if (!config.dimensions().contains(s.dimension())) {
        continue;
      }
      watched.add(s);
      if (s.dimension() == Dimension.HEAP_LIVE) {
        live = s;
      } else if (s.dimension() == Dimension.HEAP_USED) {
        used = s;
      }
    }
    long collections = live == null ? 0 : live.epoch();
    // With evidence, the live set is fresh only with a new anchor: a young collection measures
    // nothing of the old generation's liveness. Unless no anchor can be asked for: then each
    // collection's figure is the freshest there will be (LiveSetEvidence#measuredEpoch).
    long liveEpoch = evidence != null ? evidence.measuredEpoch() : collections;
    boolean liveFresh = live != null && live.available() && liveEpoch > liveEpochFloor;
    boolean liveStale = live != null && live.available() && !liveFresh;

    double pressure = 0;
    Dimension driving = null;
    double otherPressure = 0;
    Dimension otherDriving = null;
    for (SignalReading s : watched) {
      if (!s.available()
          || !s.dimension().drivesLevels()
          || (s.dimension() == Dimension.HEAP_LIVE && !liveFresh)) {
        continue;
      }
      // A dimension that may not open counts up to just under the open watermark (DEGRADED).
      double p =
          s.dimension().opens()
              ? s.smoothedPressure()
              : Math.min(s.smoothedPressure(), Math.nextDown(config.open()));
      if (s.dimension() != Dimension.HEAP_LIVE && (otherDriving == null || p > otherPressure)) {
        otherPressure = p;
        otherDriving = s.dimension();
      }
      if (driving == null || p > pressure) {
        pressure = p;
        driving = s.dimension();
      }
    }

    BreakerState level = levelOf(config, pressure);
    Cause why = level == HEALTHY ? null : Cause.PRESSURE;
    if (liveFresh && live.pressure() >= config.occupancyFloor()) {
      double growth = live.growthBytesPerSecond();
      boolean armed =
          live.baselineSize() >= config.growthBaselineMinSamples()
              && growth > config.growthMinRate() * live.limit();
      growthOpenRun = armed && growth >= live.growthP99() ? growthOpenRun + 1 : 0;
      if (growthOpenRun >= config.growthOpenSamples()) {
        level = OPEN;
        why = Cause.GROWTH;
      } else if (armed
          && growth >= config.growthWarningFactor() * live.growthP95()
          && level.severity() < WARNING.severity()) {
        level = WARNING;
        why = Cause.GROWTH;
      }
      double nanosLeft = live.secondsToExhaustion() * 1e9;
      long openHorizon = config.exhaustionOpenHorizon().toNanos();
      long warningHorizon = config.exhaustionWarningHorizon().toNanos();
      exhaustionOpenRun = openHorizon > 0 && nanosLeft < openHorizon ? exhaustionOpenRun + 1 : 0;
      if (exhaustionOpenRun >= config.growthOpenSamples() && level != OPEN) {
        level = OPEN;
        why = Cause.EXHAUSTION_PROJECTION;
      } else if (warningHorizon > 0
          && nanosLeft < warningHorizon
          && level.severity() < WARNING.severity()) {
        level = WARNING;
        why = Cause.EXHAUSTION_PROJECTION;
      }
    } else {
      growthOpenRun = 0;
      exhaustionOpenRun = 0;
    }
    boolean confirm = false;
    boolean urgent = false;
    boolean growthCalls = why == Cause.GROWTH || why == Cause.EXHAUSTION_PROJECTION;
    if (growthCalls
        && level.severity() > WARNING.severity()
        && liveFresh
        && evidence != null
        && live.pressure() < config.warning()
        && (evidence.collector().everyCycleAnchors()
            || (!confirmable(config, evidence)
                && evidence.unconfirmed(live.used(), live.limit())))) {
      // ZGC, Shenandoah: every reading is a cycle's, with no upper bound to tell it from, and it
      // holds what was allocated during the cycle and garbage in pages not relocated (a 0.45
      // batch read 0.625). A rise seen under the warning watermark may be a batch that stops or
      // a cache filled at start-up: growth alone only warns there. From the watermark on, it sheds
      // at once: these collectors need headroom, and cycles come fast as the heap fills.
      // The same where no confirmation can be had (-XX:+DisableExplicitGC, confirm_gc, a pause
      // that does not fit the budget) and the rise rests on promoted bytes no anchor has shown to
      // be live: between G1's mixed collections, promoted garbage climbs like a surge, and with
      // nothing to measure it a projection of it shed 41 % of a healthy server's calls.
      BreakerState byPressure = levelOf(config, pressure);
      level = byPressure.severity() > WARNING.severity() ? byPressure : WARNING;
      why = byPressure.severity() > WARNING.severity() ? Cause.PRESSURE : why;
    }
    if (liveFresh
        && evidence != null
        && level.severity() >= WARNING.severity()
        && needsConfirmation(config, live, evidence, level)) {
      boolean liveDecides =
          driving == Dimension.HEAP_LIVE
              || why == Cause.GROWTH
              || why == Cause.EXHAUSTION_PROJECTION;
      if (liveDecides) {
        // Not acted on until a confirmation measures the bytes, not even as WARNING (whose
        // actions, such as cache trims, garbage must not start); another dimension's own level
        // stands, and is the one named.
        confirm = true;
        urgent = level == OPEN;
        level = levelOf(config, otherPressure);
        why = level == HEALTHY ? null : Cause.PRESSURE;
        if (level != HEALTHY) {
          pressure = otherPressure;
          driving = otherDriving;
        }
      }
    }
    if (live != null
        && live.available()
        && evidence != null
        && confirmable(config, evidence)
        && evidence.unseenReach(config.warning(), live.limit())) {
      // Bytes allocated straight into the old generation (humongous request buffers) have taken
      // the heap to the warning watermark with no collection to say whether they live, and none
      // comes by itself while they fill it: measure now.
      urgent = true;
    }
    if (used != null && used.available() && used.pressure() >= config.emergency()) {
      if (emergencyStartEpoch < 0) {
        emergencyStartEpoch = collections;
      } else if (collections - emergencyStartEpoch >= config.emergencyCollections()
          && level != OPEN) {
        level = OPEN;
        why = Cause.EMERGENCY;
      }
    } else {
      emergencyStartEpoch = -1;
    }
    // A stale live set cannot be what lets the breaker recover: another dimension's low pressure
    // says nothing about the heap. Where no collection can be asked for (explicit GC disabled, or
    // confirm_gc forbids it), this is waived and the state machine's timers decide
    // (Grade#liveKnown).
    boolean quiet =
        level == HEALTHY
            && pressure < config.recover()
            && (!liveStale || (evidence != null && !confirmable(config, evidence)));
    belowRecover = quiet ? belowRecover + 1 : 0;
    // The dimension named (in the status, shed messages, spans) is the one that drives the
    // decision: a live set waiting for its refresh in OPEN or HALF_OPEN still holds the breaker
    // there, so it is named, with its last figure, rather than a fresh dimension far below it.
    // Not where no refresh can come (its figure would hold the critical cap for good).
    if (liveStale
        && live.dimension().drivesLevels()
        && evidence != null
        && confirmable(config, evidence)
        && (driving == null || live.smoothedPressure() > pressure)) {
      pressure = live.smoothedPressure();
      driving = Dimension.HEAP_LIVE;
    }
    return new Grade(
        level,
        why,
        pressure,
        driving,
        Collections.unmodifiableList(watched),
        belowRecover >= config.recoverSamples(),
        liveEpoch,
        confirm,
        urgent,
        evidence,
        !liveStale || (evidence != null && !confirmable(config, evidence)),
        liveFresh);
  }

  /**
   * Whether a shedding level that the live set calls for rests on bytes no collection has shown to
   * be live: promoted since the anchor, in a JVM whose anchors have found most promoted bytes dead
   * (or have not yet said). Not when the anchor itself calls for shedding, nor when the upper bound
   * is at the open watermark of a heap that is nearly full (G1): then exhaustion is imminent
   * whatever is live, and there is no time to confirm. Where the upper bound's limit is a
   * generation that collects when it fills (Parallel, Serial), reaching it brings the measurement
   * instead, so the level waits for it. Nor when no confirmation can answer soon for a level that
   * sheds: this JVM cannot confirm ({@code -XX:+DisableExplicitGC}), or the last one was too recent
   * and no collection comes by itself, unless anchors have shown most promoted bytes to die (a
   * WARNING, which sheds nothing, always waits); then the estimate alone decides, as it would
   * without evidence, so a surge is never missed for want of a confirmation (and promoted garbage
   * may be shed for). Except while no anchor has yet said whether promoted bytes die and the
   * estimate is under the warning watermark: there the level waits for an urgent confirmation
   * (paced 10 times its pause, from 100 ms), which the headroom left can afford. A server's first
   * seconds of churn projected the heap full from a first anchor taken while the churn ramped up
   * (what it found live was the last second's objects), and shed 21 % of its calls in 1 of 3 runs.
   */
  private static boolean needsConfirmation(
      BreakerConfig config, SignalReading live, LiveSetEvidence e, BreakerState level) {
    double anchorPressure = (double) e.anchor() / live.limit();
    double upperPressure = e.upperPressure(live.limit());
    boolean retentionRegime = e.deadShare() >= 0 && e.deadShare() < 0.5;
    boolean garbageRegime = e.deadShare() >= 0.5;
    boolean anchorComes = e.fullUpperBringsAnchor();
    boolean unknownUnderWarning = e.deadShare() < 0 && live.pressure() < config.warning();
    return confirmable(config, e)
        // Acting without a confirmation protects against a missed surge: only shedding needs it.
        && (e.confirmationAvailable()
            || anchorComes
            || garbageRegime
            || unknownUnderWarning
            || level == WARNING)
        && e.unconfirmed(live.used(), live.limit())
        && anchorPressure < config.degraded()
        && (upperPressure < config.open() || anchorComes)
        && !retentionRegime;
  }

  /** Whether a confirming collection may run, by this JVM and by {@code confirm_gc}. */
  static boolean confirmable(BreakerConfig config, LiveSetEvidence e) {
    switch (config.confirmGc()) {
      case OFF:
        return false;
      case CONCURRENT_ONLY:
        return e.canConfirm() && e.concurrentConfirmation();
      default:
        return e.canConfirm();
    }
  }

  private static BreakerState levelOf(BreakerConfig config, double pressure) {
    return pressure >= config.open()
        ? OPEN
        : pressure >= config.degraded()
            ? DEGRADED
            : pressure >= config.warning() ? WARNING : HEALTHY;
  }
}
