package dev.membreaker.orca;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.OverrideMode;

/**
 * Maps the breaker's view to ORCA {@code application_utilization}, the number {@code
 * weighted_round_robin} weighs replicas by. The policy gives a replica the weight {@code qps /
 * utilization} (plus an error penalty), so what a replica reports decides its share only through
 * that quotient:
 *
 * <pre>
 * utilization = (qps / referenceQps) * factor(pressure, state)      weight = referenceQps / factor
 * </pre>
 *
 * The weight is then the replica's memory headroom, whatever traffic it happens to get now. (Had it
 * reported its pressure alone, which does not fall when traffic does, its weight would be its
 * current qps, and a replica that lost its share under pressure would never win it back: measured
 * in FleetIT, where such a replica kept 3 % of the calls after it had recovered.)
 *
 * <ul>
 *   <li>{@code factor} is 1 up to {@code floor} (replicas well under every watermark look alike),
 *       then {@code (1 - floor) / (1 - pressure)}: half the headroom, twice the factor;
 *   <li>DEGRADED and HALF_OPEN: at least the factor of the degraded watermark;
 *   <li>OPEN, or forced open: {@link #OPEN_FACTOR}, about 1/20 of a healthy replica's share;
 *   <li>forced closed: by pressure, as HEALTHY.
 * </ul>
 */
public final class PressureUtilization {

  /** The factor of an OPEN replica, also the most any pressure gives. */
  public static final double OPEN_FACTOR = 20;

  private final double floor;
  private final double referenceQps;

  /** A mapping with this floor in [0, 1) and reference rate (> 0 calls per second). */
  public PressureUtilization(double floor, double referenceQps) {
    if (!(floor >= 0 && floor < 1)) {
      throw new IllegalArgumentException("floor must be in [0, 1), was " + floor);
    }
    if (!(referenceQps > 0 && Double.isFinite(referenceQps))) {
      throw new IllegalArgumentException("referenceQps must be positive, was " + referenceQps);
    }
    this.floor = floor;
    this.referenceQps = referenceQps;
  }

  public double floor() {
    return floor;
  }

  /**
   * How many times a healthy replica's utilization per call this status reports (1 to {@link
   * #OPEN_FACTOR}).
   */
  public double factor(BreakerStatus status, BreakerConfig config) {
    if (status.override() == OverrideMode.FORCED_OPEN) {
      return OPEN_FACTOR;
    }
    double byPressure = byPressure(status.pressure());
    if (status.override() == OverrideMode.FORCED_CLOSED) {
      return byPressure;
    }
    BreakerState state = status.state();
    switch (state) {
      case OPEN:
        return OPEN_FACTOR;
      case DEGRADED:
      case HALF_OPEN:
        return Math.max(byPressure, byPressure(config.degraded()));
      default:
        return byPressure;
    }
  }

  private double byPressure(double pressure) {
    double p = Double.isFinite(pressure) ? Math.max(0, Math.min(1, pressure)) : 0;
    if (p <= floor) {
      return 1;
    }
    return Math.min(OPEN_FACTOR, (1 - floor) / Math.max(1e-9, 1 - p));
  }

  /** The utilization to report at {@code qps} calls per second. */
  public double utilization(BreakerStatus status, BreakerConfig config, double qps) {
    return Math.max(0, qps) / referenceQps * factor(status, config);
  }
}
