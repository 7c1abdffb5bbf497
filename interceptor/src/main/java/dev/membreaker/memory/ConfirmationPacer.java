package dev.membreaker.memory;

import dev.membreaker.memory.LiveSetSource.Confirmation;

/**
 * When the breaker's own collections may run: the spacing of confirmations, refreshes and urgent
 * confirmations, their back-off, and the {@link PauseBudget} every stop-the-world one must fit. It
 * runs nothing: the live-set source asks it, runs {@code System.gc()} when told {@link
 * Confirmation#STARTED}, and reports the end and the verdict back.
 *
 * <p>The spacings, each from the end of the last one, whatever it was:
 *
 * <ul>
 *   <li><b>confirm</b> (a verdict on what the estimate rests on): 2 s, doubled up to 30 s while
 *       verdicts find nothing new (the anchor moves less than 2 % of the heap), back to 2 s when
 *       one does; never closer than 100 times the last pause;
 *   <li><b>refresh</b> (while the breaker sheds, so recovery is measured): 50 times the last pause,
 *       at least 500 ms and at most 2 s, without back-off;
 *   <li><b>urgent</b> (the heap may fill before anything else measures it): 10 times the last
 *       pause, at least 100 ms, and the back-off that urgent verdicts finding nothing new grow
 *       (doubling, reset by one that changes), at most 2 s.
 * </ul>
 *
 * <p>Above them, the pause budget, for stop-the-world ones only: a confirm or a refresh must fit
 * the minute's share and the single-pause cap, and spends its pause; an urgent one only the cap,
 * and spends nothing (an OutOfMemoryError costs more than any pause, and the refreshes that end
 * OPEN after a surge must not wait for the urgent ones it took). Under {@code
 * -XX:+DisableExplicitGC} nothing runs; where a confirmation runs concurrently (ZGC, Shenandoah, G1
 * with {@code -XX:+ExplicitGCInvokesConcurrent}) the budget does not apply.
 *
 * <p>Pure: time is given by the caller (ticker nanoseconds). Not thread-safe: the live-set source
 * calls it under its lock.
 */
final class ConfirmationPacer {

  /** How a request is paced: which of the three spacings applies. */
  enum Pacing {
    CONFIRM,
    REFRESH,
    URGENT
  }

  static final long MIN_CONFIRM_INTERVAL = 2_000_000_000L;
  static final long MAX_CONFIRM_INTERVAL = 30_000_000_000L;
  static final long MIN_REFRESH_INTERVAL = 500_000_000L;

  /**
   * Refreshes come at least this often while the breaker is not HEALTHY, whatever the last pause:
   * one slow collection (a busy machine, a large live set) must not hold recovery for 50 times its
   * length. The breaker sheds meanwhile, so a larger share of time paused is the lesser cost. Also
   * the longest spacing of urgent confirmations.
   */
  static final long MAX_REFRESH_INTERVAL = 2_000_000_000L;

  /** Urgent confirmations come no closer than this, and than 10 times the last pause. */
  static final long MIN_URGENT_INTERVAL = 100_000_000L;

  /** How long a confirmation that ended awaits its verdict (its notification) at most. */
  static final long VERDICT_WAIT_NANOS = 1_000_000_000L;

  private final boolean disabled;
  private final boolean concurrent;
  private final long unchangedBytes;
  private final PauseBudget budget = new PauseBudget();

  private boolean running;
  private boolean pending;
  private Pacing pendingPacing = Pacing.CONFIRM;
  private long confirmations;
  private long lastPause;
  private long lastEnd;
  private long confirmInterval = MIN_CONFIRM_INTERVAL;
  private long urgentBackOff;

  /**
   * @param disabled explicit collections do nothing ({@code -XX:+DisableExplicitGC})
   * @param concurrent a confirmation runs concurrently and stops the application only for moments
   * @param maxHeap the heap's maximum: a verdict within 2 % of it of the last anchor is unchanged
   */
  ConfirmationPacer(boolean disabled, boolean concurrent, long maxHeap) {
    this.disabled = disabled;
    this.concurrent = concurrent;
    this.unchangedBytes = maxHeap / 50;
  }

  /**
   * Whether a collection paced by {@code pacing} may start at {@code now}, given what a full one
   * would mark ({@code markedBytes}). On {@link Confirmation#STARTED} it counts as running and
   * awaiting its verdict until {@link #ended} and {@link #verdict}.
   */
  Confirmation admit(long now, Pacing pacing, long markedBytes) {
    if (disabled) {
      return Confirmation.DISABLED;
    }
    if (running) {
      return Confirmation.IN_FLIGHT;
    }
    if (tooSoon(now, pacing)) {
      return Confirmation.TOO_SOON;
    }
    boolean fits =
        pacing == Pacing.URGENT ? canConfirm(now, markedBytes) : withinBudget(now, markedBytes);
    if (!fits) {
      return Confirmation.OVER_BUDGET;
    }
    running = true;
    pending = true;
    pendingPacing = pacing;
    return Confirmation.STARTED;
  }

  /** The running collection ended: its pause ({@code end - start}) is spent, if it stopped all. */
  void ended(long start, long end) {
    running = false;
    confirmations++;
    lastPause = end - start;
    lastEnd = end;
    if (!concurrent && pendingPacing != Pacing.URGENT) {
      budget.spend(end, end - start); // its cost per live byte is learned from its notification
    }
  }

  /**
   * A new anchor arrived: if a confirmation awaited it, this is its verdict, and the back-off of
   * its spacing follows whether it changed what was known ({@code previousAnchor} to {@code live}).
   *
   * @return whether a confirmation awaited it
   */
  boolean verdict(long previousAnchor, long live) {
    if (!pending) {
      return false;
    }
    pending = false;
    boolean unchanged = Math.abs(live - previousAnchor) < unchangedBytes;
    if (pendingPacing == Pacing.CONFIRM) {
      confirmInterval =
          unchanged ? Math.min(MAX_CONFIRM_INTERVAL, confirmInterval * 2) : MIN_CONFIRM_INTERVAL;
    } else if (pendingPacing == Pacing.URGENT) {
      // Unseen bytes that keep turning out dead (short-lived humongous buffers) space the next
      // urgent confirmation further; a refresh while shedding changes neither spacing.
      urgentBackOff =
          unchanged
              ? Math.min(MAX_REFRESH_INTERVAL, Math.max(MIN_URGENT_INTERVAL, urgentBackOff * 2))
              : 0;
    }
    return true;
  }

  /**
   * Whether a confirmation can be had at all: explicit collections are not disabled, and one fits
   * the pause budget's single-pause cap (or runs concurrently).
   */
  boolean canConfirm(long now, long markedBytes) {
    return !disabled && (concurrent || budget.fits(now, markedBytes));
  }

  /**
   * Whether a confirmation is running, awaits its verdict (for at most {@link #VERDICT_WAIT_NANOS}:
   * the notification that carries it can arrive after {@code System.gc()} has returned, and a
   * concurrent cycle under {@code -XX:+ExplicitGCInvokesConcurrent} brings none), or may start by
   * its spacing and the budget.
   */
  boolean available(long now, long markedBytes) {
    boolean awaitingVerdict = pending && now - lastEnd < VERDICT_WAIT_NANOS;
    return running
        || awaitingVerdict
        || (!tooSoon(now, Pacing.CONFIRM) && withinBudget(now, markedBytes));
  }

  /** Whether a confirmation was started and its verdict has not arrived. */
  boolean pending() {
    return pending;
  }

  /** The confirmations that ran to their end. */
  long confirmations() {
    return confirmations;
  }

  /** The pause of the last one, in nanoseconds (0 before any). */
  long lastPause() {
    return lastPause;
  }

  /** The pause budget, which learns what full collections cost from every one seen. */
  PauseBudget budget() {
    return budget;
  }

  /** The spacing {@code pacing} asks after the last one's end. */
  long spacing(Pacing pacing) {
    switch (pacing) {
      case URGENT:
        return Math.min(
            MAX_REFRESH_INTERVAL,
            Math.max(Math.max(MIN_URGENT_INTERVAL, urgentBackOff), 10 * lastPause));
      case REFRESH:
        return Math.min(MAX_REFRESH_INTERVAL, Math.max(MIN_REFRESH_INTERVAL, 50 * lastPause));
      default:
        return Math.max(confirmInterval, 100 * lastPause);
    }
  }

  /** Whether the last one ended more recently than {@code pacing} asks. */
  private boolean tooSoon(long now, Pacing pacing) {
    return confirmations > 0 && now - lastEnd < spacing(pacing);
  }

  /**
   * Whether the budget lets a stop-the-world collection start now, or one is already running (its
   * pause is spent when it ends). Concurrent ones are paced by their spacing alone.
   */
  private boolean withinBudget(long now, long markedBytes) {
    return concurrent || running || budget.allows(now, markedBytes);
  }
}
