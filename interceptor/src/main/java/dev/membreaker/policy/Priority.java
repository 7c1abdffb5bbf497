package dev.membreaker.policy;

/**
 * How much a call matters when memory runs short. DEGRADED sheds SHEDDABLE calls and DEFAULT calls
 * with a probability rising with pressure; OPEN admits CRITICAL calls only.
 */
public enum Priority {
  /** Admitted in every state but OPEN above the critical cap (payments, ledger writes). */
  CRITICAL,
  /** Shed in OPEN, and in DEGRADED with a probability that rises with pressure. */
  DEFAULT,
  /** Shed from DEGRADED on (reports, prefetches, anything a client can do later). */
  SHEDDABLE;

  /** Parses a name case-insensitively; throws {@link IllegalArgumentException} naming it. */
  public static Priority parse(String name) {
    for (Priority p : values()) {
      if (p.name().equalsIgnoreCase(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown priority '" + name + "' (expected CRITICAL, DEFAULT or SHEDDABLE)");
  }
}
