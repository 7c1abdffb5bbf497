package dev.membreaker.memory;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.memory.ConfirmationPacer.Pacing;
import dev.membreaker.memory.LiveSetSource.Confirmation;
import dev.membreaker.time.Ticker;

/**
 * The breaker's own collections: confirmations, refreshes (while the breaker sheds, so that it
 * recovers when memory does) and urgent confirmations (when the estimate projects the heap full and
 * only a measurement can say whether that is garbage). Each runs {@code System.gc()} on a thread of
 * its own, one at a time, when {@link ConfirmationPacer} allows it, and the anchor that follows is
 * its verdict, logged with what asked for it. Under {@code -XX:+ExplicitGCInvokesConcurrent} (G1) a
 * confirmation starts a concurrent cycle, whose Remark is its verdict ({@link
 * LiveSetEstimator#polled}); what the old generation holds when {@code System.gc()} returns is
 * none: it counts every humongous buffer allocated during the marking as live (a 64 MiB heap of
 * garbage read 0.84).
 *
 * <p>Thread-safe, with a lock of its own: the live-set source calls it under its lock, and the
 * collecting thread takes only this one.
 */
final class ConfirmingCollections {

  private static final System.Logger LOG = System.getLogger(ConfirmingCollections.class.getName());

  /**
   * What the breaker can count on now: confirmations so far, the last one's pause, whether one can
   * be had at all ({@link ConfirmationPacer#canConfirm}) and whether one is running or may start.
   */
  record Standing(long confirmations, long lastPause, boolean canConfirm, boolean available) {}

  private final Ticker ticker;
  private final long maxHeap;
  private final boolean concurrent;

  @GuardedBy("this")
  private final ConfirmationPacer pacer;

  @GuardedBy("this")
  private String reason = "";

  @GuardedBy("this")
  private long upperBefore;

  @GuardedBy("this")
  private long unseenBefore;

  /**
   * @param disabled explicit collections do nothing ({@code -XX:+DisableExplicitGC})
   * @param concurrent a confirmation runs concurrently and stops the application only for moments
   */
  ConfirmingCollections(Ticker ticker, long maxHeap, boolean disabled, boolean concurrent) {
    this.ticker = ticker;
    this.maxHeap = maxHeap;
    this.concurrent = concurrent;
    this.pacer = new ConfirmationPacer(disabled, concurrent, maxHeap);
  }

  /**
   * Starts one paced by {@code pacing} if the pacer allows it, given the upper bound (what a full
   * collection would mark: an over-estimate, so predicted pauses err long; not the unseen bytes,
   * large arrays marked as one object each and never moved) and the unseen bytes, for its log.
   */
  Confirmation start(String why, Pacing pacing, long upper, long unseen) {
    long now = ticker.read();
    synchronized (this) {
      Confirmation admitted = pacer.admit(now, pacing, upper);
      if (admitted != Confirmation.STARTED) {
        return admitted;
      }
      reason = why;
      upperBefore = upper;
      unseenBefore = unseen;
    }
    Thread t = new Thread(this::collect, "membreaker-confirm-gc");
    t.setDaemon(true);
    t.start();
    return Confirmation.STARTED;
  }

  private void collect() {
    long start = ticker.read();
    try {
      System.gc();
    } finally {
      long end = ticker.read();
      synchronized (this) {
        pacer.ended(start, end);
      }
    }
  }

  /**
   * A collection's notification: a full one's pause teaches what the next will cost (its live
   * bytes), and one the collector ran by itself how long it stops the application.
   */
  synchronized void seen(
      long now, long pauseNanos, long liveBytes, boolean fullGc, boolean byTheCollector) {
    if (fullGc && !concurrent) {
      pacer.budget().learn(pauseNanos, liveBytes);
    }
    if (byTheCollector) {
      pacer.budget().natural(now, pauseNanos);
    }
  }

  /** A new anchor: if a confirmation awaited it, this is its verdict. */
  synchronized void anchored(long previousAnchor, long live) {
    if (pacer.verdict(previousAnchor, live)) {
      LOG.log(
          System.Logger.Level.INFO,
          String.format(
              "membreaker: confirming collection (%s) found %.3f of the heap live; the upper bound"
                  + " was %.3f%s",
              reason,
              (double) live / maxHeap,
              (double) upperBefore / maxHeap,
              unseenBefore > maxHeap / 50
                  ? String.format(", with %.3f unseen", (double) unseenBefore / maxHeap)
                  : ""));
    }
  }

  /** Whether a concurrent confirmation awaits its verdict (a Remark, under G1). */
  synchronized boolean awaitingConcurrentVerdict() {
    return concurrent && pacer.pending();
  }

  /** Whether one can be had at all now, given the upper bound. */
  synchronized boolean canConfirm(long now, long upper) {
    return pacer.canConfirm(now, upper);
  }

  synchronized Standing standing(long now, long upper) {
    boolean can = pacer.canConfirm(now, upper);
    return new Standing(
        pacer.confirmations(), pacer.lastPause(), can, can && pacer.available(now, upper));
  }

  synchronized void pauseBudget(double share) {
    pacer.budget().share(share);
  }
}
