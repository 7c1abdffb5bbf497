package dev.membreaker.breaker;

import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The breaker's published decision table: for each {@link Priority}, the probability that a call is
 * admitted, precomputed on the sampler thread from the state, pressure, override and slow-start
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
 *
 * <p>It is also the breaker's whole published snapshot: the status with its sequence number, the
 * config in force and its version, the cohorts' tables, and the last refused config's error, all
 * published together by one compare-and-set, so a reader never pairs one config version with
 * another's values or a newer state with an older override.
 */
public final class Admission {

  private static final Admission[] NO_COHORTS = new Admission[0];

  private final BreakerStatus status;
  private final BreakerConfig config;
  private final Admission[] cohorts;
  private final String configError;
  private final double critical;
  private final double normal;
  private final double sheddable;
  private final boolean shadow;
  private final boolean admitsAll;

  private Admission(
      BreakerStatus status,
      BreakerConfig config,
      Admission[] cohorts,
      String configError,
      double critical,
      double normal,
      double sheddable,
      boolean shadow) {
    this.status = status;
    this.config = config;
    this.cohorts = cohorts;
    this.configError = configError;
    this.critical = critical;
    this.normal = normal;
    this.sheddable = sheddable;
    this.shadow = shadow;
    this.admitsAll = critical >= 1 && normal >= 1 && sheddable >= 1;
  }

  /** A table with no cohorts and no config error (a cohort's, a replay's). */
  static Admission of(BreakerStatus status, BreakerConfig config) {
    return of(status, config, NO_COHORTS, "");
  }

  /** The breaker's snapshot: the main table, with the cohorts' tables published beside it. */
  static Admission of(
      BreakerStatus status, BreakerConfig config, Admission[] cohorts, String configError) {
    OverrideMode override = status.override();
    double critical = 1;
    double normal = 1;
    double sheddable = 1;
    boolean shadow = override == OverrideMode.SHADOW;
    if (override == OverrideMode.FORCED_OPEN) {
      critical = criticalShare(status, config);
      normal = 0;
      sheddable = 0;
    } else if (override != OverrideMode.FORCED_CLOSED
        && status.samplerHealth() != SamplerHealth.STALLED) {
      switch (status.state()) {
        case DEGRADED:
          double span = config.open() - config.degraded();
          normal = 1 - Math.min(1, Math.max(0, (status.pressure() - config.degraded()) / span));
          sheddable = 0;
          break;
        case OPEN:
          critical = criticalShare(status, config);
          normal = 0;
          sheddable = 0;
          break;
        case HALF_OPEN:
          critical = criticalShare(status, config);
          normal = status.halfOpenShare();
          sheddable = normal;
          break;
        default:
          break;
      }
    } else {
      shadow = false;
    }
    return new Admission(status, config, cohorts, configError, critical, normal, sheddable, shadow);
  }

  /** This snapshot with another override, sampler health or config, as the next publication. */
  Admission republished(
      OverrideState override,
      SamplerHealth health,
      BreakerConfig nextConfig,
      long configVersion,
      String nextConfigError) {
    BreakerStatus next = status.republished(override, health, configVersion, status.sequence() + 1);
    return of(next, nextConfig, cohorts, nextConfigError);
  }

  /**
   * The table a call of cohort {@code index} is decided by (0: the default profile, this one), from
   * this same publication. Overrides and a stalled sampler apply to every cohort at once: they live
   * in this table.
   */
  public Admission cohort(int index) {
    if (index == 0
        || status.override() != OverrideMode.NONE
        || status.samplerHealth() == SamplerHealth.STALLED) {
      return this;
    }
    return cohorts[index - 1];
  }

  /** How many cohort tables are published beside this one. */
  int cohortCount() {
    return cohorts.length;
  }

  /** Cohort {@code index}'s own table (1-based), whatever the override. */
  Admission cohortTable(int index) {
    return cohorts[index - 1];
  }

  /** The config this table was computed under (the config in force, for the breaker's own). */
  public BreakerConfig config() {
    return config;
  }

  /** The last refused config's error, or "" since the last good one (published with this table). */
  public String lastConfigError() {
    return configError;
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
    return priority == Priority.CRITICAL
        ? critical
        : priority == Priority.DEFAULT ? normal : sheddable;
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
    return "Admission{"
        + status.state()
        + ", override="
        + status.override()
        + ", critical="
        + critical
        + ", default="
        + normal
        + ", sheddable="
        + sheddable
        + "}";
  }
}
