package dev.membreaker.breaker;

import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The breaker's published decision table: for each {@link Priority}, the probability that a call
 * is admitted, precomputed on the sampler thread from the state, pressure, override and slow-start
 * share. Deciding a call is a field read and, only when the probability is strictly between 0 and
 * 1, one draw from {@link ThreadLocalRandom}: no lock, no allocation, no clock read. Immutable and
 * thread-safe; a new one is published (one volatile write) at each sample.
 *
 * <p>What each state admits: HEALTHY and WARNING all; DEGRADED every CRITICAL, DEFAULT with
 * probability {@code 1 - (pressure - degraded) / (open - degraded)}, no SHEDDABLE; OPEN only
 * CRITICAL, and only while pressure is below the critical cap; HALF_OPEN CRITICAL (under the same
 * cap) and the slow-start share of the rest. FORCED_OPEN admits as OPEN, FORCED_CLOSED everything,
 * SHADOW everything while reporting {@link Decision#WOULD_SHED} where it would have shed. A stalled
 * sampler makes the breaker admit everything unless an operator forced it open.
 */
public final class Admission {

  private final BreakerStatus status;
  private final double critical;
  private final double normal;
  private final double sheddable;
  private final boolean shadow;
  private final boolean admitsAll;

  private Admission(
      BreakerStatus status, double critical, double normal, double sheddable, boolean shadow) {
    this.status = status;
    this.critical = critical;
    this.normal = normal;
    this.sheddable = sheddable;
    this.shadow = shadow;
    this.admitsAll = critical >= 1 && normal >= 1 && sheddable >= 1;
  }

  static Admission of(BreakerStatus status, BreakerConfig config) {
    OverrideMode override = status.override();
    if (override == OverrideMode.FORCED_CLOSED) {
      return new Admission(status, 1, 1, 1, false);
    }
    if (override == OverrideMode.FORCED_OPEN) {
      return new Admission(status, criticalShare(status, config), 0, 0, false);
    }
    if (status.samplerHealth() == SamplerHealth.STALLED) {
      return new Admission(status, 1, 1, 1, false);
    }
    boolean shadow = override == OverrideMode.SHADOW;
    switch (status.state()) {
      case DEGRADED:
        double span = config.open() - config.degraded();
        double shed = Math.min(1, Math.max(0, (status.pressure() - config.degraded()) / span));
        return new Admission(status, 1, 1 - shed, 0, shadow);
      case OPEN:
        return new Admission(status, criticalShare(status, config), 0, 0, shadow);
      case HALF_OPEN:
        double share = status.halfOpenShare();
        return new Admission(status, criticalShare(status, config), share, share, shadow);
      default:
        return new Admission(status, 1, 1, 1, shadow);
    }
  }

  private static double criticalShare(BreakerStatus status, BreakerConfig config) {
    return status.pressure() < config.criticalCap() ? 1 : 0;
  }

  /** Decides one call of the given priority. */
  public Decision decide(Priority priority) {
    if (admitsAll) {
      return Decision.ADMIT;
    }
    double p = admitProbability(priority);
    if (p >= 1 || (p > 0 && ThreadLocalRandom.current().nextDouble() < p)) {
      return Decision.ADMIT;
    }
    return shadow ? Decision.WOULD_SHED : Decision.SHED;
  }

  /** Whether every call is admitted with nothing to count (the common, healthy case). */
  public boolean admitsAll() {
    return admitsAll;
  }

  /** The probability that a call of this priority is admitted (before any SHADOW override). */
  public double admitProbability(Priority priority) {
    return priority == Priority.CRITICAL ? critical : priority == Priority.DEFAULT ? normal : sheddable;
  }

  /** Whether the SHADOW override is in force (nothing is shed). */
  public boolean shadow() {
    return shadow;
  }

  /** The status this decision was computed from. */
  public BreakerStatus status() {
    return status;
  }

  @Override
  public String toString() {
    return "Admission{" + status.state() + ", override=" + status.override() + ", critical="
        + critical + ", default=" + normal + ", sheddable=" + sheddable + "}";
  }
}
