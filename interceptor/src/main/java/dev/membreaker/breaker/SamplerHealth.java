package dev.membreaker.breaker;

/** Whether the sampler is feeding the breaker. */
public enum SamplerHealth {
  /** No sample taken yet. */
  NOT_STARTED,
  /** Samples arrive on time. */
  RUNNING,
  /**
   * No sample for the configured number of intervals: the breaker admits everything (fails open).
   */
  STALLED
}
