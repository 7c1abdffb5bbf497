package dev.membreaker.breaker;

/** Why a transition happened. */
public enum Cause {
  /** The smoothed pressure of a dimension crossed a watermark upwards. */
  PRESSURE,
  /** Live-set growth at or above its baseline (0.8 × P95 for WARNING, P99 sustained for OPEN). */
  GROWTH,
  /** The live set's projected time to exhaustion fell below a horizon. */
  EXHAUSTION_PROJECTION,
  /** Raw heap used stayed at the emergency watermark across collections. */
  EMERGENCY,
  /** Outcome breaker: failure rate over the last calls at or above its threshold. */
  OUTCOME_FAILURE_RATE,
  /** Outcome breaker: too many failures in a row. */
  OUTCOME_CONSECUTIVE_FAILURES,
  /** Outcome breaker: slow-call ratio at or above its threshold. */
  OUTCOME_SLOW_CALLS,
  /** OPEN's time was up: slow start begins. */
  OPEN_TIME_ELAPSED,
  /**
   * Pressure or outcomes went bad again during HALF_OPEN: back to OPEN with the open time doubled.
   */
  RELAPSE,
  /** The ramp finished with pressure not yet below recover. */
  RAMP_COMPLETE,
  /** Pressure stayed below the recover watermark for the required samples. */
  RECOVERED
}
