package dev.membreaker.breaker;

/** An operator's override of the breaker's own judgement. Overrides always win. */
public enum OverrideMode {
  /** No override: the breaker decides. */
  NONE,
  /** Admit as in OPEN, whatever the memory says. */
  FORCED_OPEN,
  /** The breaker is off: admit everything. */
  FORCED_CLOSED,
  /** Decide as usual and count what would be shed, but shed nothing. */
  SHADOW
}
