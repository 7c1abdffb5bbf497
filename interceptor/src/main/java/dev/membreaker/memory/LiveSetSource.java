package dev.membreaker.memory;

/**
 * A {@link MemorySource} of the heap's live set that can say what its figure rests on and, when
 * asked, confirm it with a collection. The breaker asks for a confirmation when the estimate alone
 * would shed calls but the anchor behind it would not, and when a stale anchor keeps it from
 * HEALTHY. Implementations decide whether a confirmation may run now (single flight, rate limits,
 * {@code -XX:+DisableExplicitGC}) and never block the caller.
 */
public interface LiveSetSource extends MemorySource {

  /** What a request for a confirming collection did. */
  enum Confirmation {
    /** A confirming collection started, off the caller's thread. */
    STARTED,
    /** One is running already. */
    IN_FLIGHT,
    /** The last one was too recent (rate limit, with back-off after unchanged verdicts). */
    TOO_SOON,
    /**
     * Its predicted pause does not fit the pause budget: the breaker's own stop-the-world
     * collections would take more than their share of wall time ({@code confirm_pause_budget}).
     */
    OVER_BUDGET,
    /** Confirming collections are off (switched off, or explicit GC is disabled in this JVM). */
    DISABLED
  }

  /** What the latest estimate rests on. Safe from any thread. */
  LiveSetEvidence evidence();

  /**
   * Sets the share of wall time that the stop-the-world collections this source runs may take over
   * any minute ({@code confirm_pause_budget}), in [0, 1]. Safe from any thread; sources that run no
   * collection ignore it.
   */
  default void pauseBudget(double share) {}

  /**
   * Asks for a confirming collection before a level is acted on; returns at once. Safe from any
   * thread. Rate-limited, with back-off while verdicts do not change.
   */
  Confirmation requestConfirmation(String reason);

  /**
   * Asks for a collection that refreshes a stale figure while the breaker sheds, so it recovers as
   * soon as memory does; returns at once. Paced by the time it costs, not backed off: a recovery
   * must not wait for a back-off grown while the pressure lasted. By default the same as {@link
   * #requestConfirmation}.
   */
  default Confirmation refresh(String reason) {
    return requestConfirmation(reason);
  }

  /**
   * Asks for a collection now, because the heap may fill before the usual pacing allows one: the
   * estimate projects it full within the open horizon, or bytes no collection has seen ({@link
   * LiveSetEvidence#unseen()}) have reached the warning watermark. Only a measurement can say
   * whether that is garbage. Returns at once. Paced closer than a refresh: an OutOfMemoryError
   * costs more than a few collections in a row. By default the same as {@link #refresh}.
   */
  default Confirmation urgentConfirmation(String reason) {
    return refresh(reason);
  }
}
