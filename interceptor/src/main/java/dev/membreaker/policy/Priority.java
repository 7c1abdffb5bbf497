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

  /**
   * The priority a call runs at: {@code configured} (its method's), or the one {@code asked} names
   * (a priority header's value; null when there is none), which may lower the call and raises it
   * only with {@code allowRaise}. An unknown word is ignored: not worth failing a call over. The
   * server interceptor and the client interceptor both judge a call by this, so a client holds
   * exactly the calls its server would shed.
   */
  public static Priority effective(Priority configured, String asked, boolean allowRaise) {
    if (asked == null) {
      return configured;
    }
    Priority requested;
    try {
      requested = parse(asked.trim());
    } catch (IllegalArgumentException e) {
      return configured;
    }
    // CRITICAL < DEFAULT < SHEDDABLE in declaration order: a higher ordinal is a lower priority.
    return requested.ordinal() >= configured.ordinal() || allowRaise ? requested : configured;
  }
}
