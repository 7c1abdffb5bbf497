package dev.membreaker.breaker;

/**
 * The five states of the breaker (see docs/breaker.md for the full table). The order of the first
 * four is their severity; HALF_OPEN is the slow start that follows OPEN.
 */
public enum BreakerState {
  /** Pressure below the warning watermark: everything is admitted. */
  HEALTHY(0),
  /** Pressure at or above warning, or unusual growth: everything is admitted, actions may start. */
  WARNING(1),
  /** Pressure at or above degraded: SHEDDABLE shed, DEFAULT shed with rising probability. */
  DEGRADED(2),
  /** Pressure at or above open, fast growth, or the outcome breaker tripped: CRITICAL only. */
  OPEN(3),
  /** After OPEN's time: a slow-start share of calls, rising over the ramp. */
  HALF_OPEN(3);

  private final int severity;

  BreakerState(int severity) {
    this.severity = severity;
  }

  /** HEALTHY 0, WARNING 1, DEGRADED 2, OPEN and HALF_OPEN 3. */
  public int severity() {
    return severity;
  }
}
