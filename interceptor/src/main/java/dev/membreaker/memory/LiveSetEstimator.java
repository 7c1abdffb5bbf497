package dev.membreaker.memory;

/**
 * The live-set estimator: from what collections leave and what the old generation holds between
 * them, an upper bound U and an anchor A, and the estimate {@code A + (1 − g) × (U − A)}, with g
 * the share of promoted bytes that recent anchors found dead ({@link DeadShare}). {@link
 * HeapLiveSetSource} feeds it what JMX says; it reads no JVM state itself.
 *
 * <p>Why two numbers. After a young collection the old generation still holds the garbage that was
 * promoted into it, and only a marking collection tells how much of it is live. Objects living
 * about a second are promoted and die there: read as live, they look like a growing live set and
 * trip the breaker on healthy traffic (G1's after-young-GC figure rose to 0.63 of the heap while
 * 0.2 was live). Read as dead, a real surge would be missed until the next marking. Neither number
 * alone is right; the anchor says what is known, the upper bound what is possible, and g, learned
 * from the anchors, how much of the difference usually survives.
 *
 * <p>Anchors, per collector: a full collection (any "end of major GC", a confirming one included)
 * and a ZGC or Shenandoah <em>cycle</em> ({@link Seen#marked()}). G1's mixed collections and its
 * Remark (seen as a drop of the old generation's usage with no notification, {@link #polled}) lower
 * the upper bound but are not anchors: what they leave still holds garbage. With Parallel and
 * Serial the upper bound includes the old generation after young collections (which only grows
 * between full ones), so it is not stale between full collections.
 *
 * <p>Pure and not thread-safe: its owner calls it under one lock.
 */
final class LiveSetEstimator {

  /**
   * What one collection's notification says.
   *
   * @param liveBytes the old and survivor pools after it (and eden, for one that marked: what a
   *     full collection leaves there is live too)
   * @param oldAfter the old pool after it, or -1 when the heap has no old pool of its own
   * @param survivors the survivor pools after it
   * @param marked whether it marked the old generation: an anchor
   */
  record Seen(long liveBytes, long oldAfter, long survivors, boolean marked) {}

  private final Collector collector;
  private final long maxHeap;
  private final DeadShare deadShare;

  private long upper = -1;
  private long anchor;
  private long anchorEpoch;
  private long measuredEpoch;
  private long collections;
  private long collectionsAtLastPoll = -1;
  private long oldAtLastPoll = -1;
  private long survivorsAfterCollection;
  private long oldAfterCollection = -1;
  private long unseen;

  LiveSetEstimator(Collector collector, long maxHeap) {
    this.collector = collector;
    this.maxHeap = maxHeap;
    this.deadShare = new DeadShare(maxHeap);
  }

  /** Whether a first figure was taken ({@link #begin}) or a collection seen. */
  boolean begun() {
    return upper >= 0;
  }

  /**
   * The first figure, before any collection was seen: what the old and survivor spaces hold. Their
   * after-collection usage alone can be stale (G1 updates the old generation's only at mixed and
   * full collections), and a breaker started on a server whose cache is already in the old
   * generation read 0.16 where 0.8 was held, so the first young collection looked like a surge.
   */
  void begin(long oldAndSurvivors) {
    upper = oldAndSurvivors;
    anchor = oldAndSurvivors;
  }

  /** The estimate: the upper bound until the first anchor. */
  long estimate() {
    if (anchorEpoch == 0) {
      return upper;
    }
    double g = Math.max(0, deadShare.value());
    long unknown = Math.max(0, upper - anchor);
    return anchor + Math.round((1 - g) * unknown);
  }

  /**
   * A collection was seen. Its figure is the new upper bound; if it marked, the new anchor too.
   *
   * @return whether it was an anchor
   */
  boolean collected(Seen seen) {
    long upperBefore = upper;
    collections++;
    upper = seen.liveBytes();
    survivorsAfterCollection = seen.survivors();
    if (seen.oldAfter() >= 0) {
      oldAfterCollection = seen.oldAfter();
      unseen = 0;
    }
    if (seen.marked()) {
      anchor(seen.liveBytes(), Math.max(upperBefore, seen.liveBytes()));
    }
    return seen.marked();
  }

  /**
   * The latest collection's figure counts as measured: no anchor will be asked for (no confirmation
   * can be had), so it is the freshest there is.
   */
  void measuredWithoutAnchor() {
    measuredEpoch++;
  }

  /**
   * The old generation read between collections, for two things no notification tells.
   *
   * <p>Objects allocated straight into it, {@link LiveSetEvidence#unseen() unseen} by any
   * collection: G1's humongous objects (half a region or more: a 1 MiB request buffer in a heap
   * under 4 GiB) and, with Parallel and Serial, objects too large for the young generation. Like
   * eden's, they are not counted in the upper bound (a young collection reclaims those that died,
   * and that is most), but unlike eden's they do not bring a collection when they fill the heap: a
   * surge of them filled a 256 MiB heap from 0.47 to 0.97 in a second with no collection at all.
   *
   * <p>G1's Remark frees old regions that hold nothing live and updates the pool's usage without a
   * notification: a drop of over 1 % of the heap with no collection seen since the previous read is
   * that, and the new figure is a lower upper bound. Not an anchor: the regions it keeps still hold
   * garbage, as those a mixed collection keeps do, and learning from them would read the garbage
   * left behind as retained. Except when {@code awaitingConcurrentVerdict}: under {@code
   * -XX:+ExplicitGCInvokesConcurrent} a confirmation starts a concurrent cycle, which brings no
   * "end of major GC", and its Remark is the verdict; an upper figure, so it errs towards shedding,
   * never towards OOM.
   *
   * @return whether a Remark drop was taken as an anchor
   */
  boolean polled(long old, boolean awaitingConcurrentVerdict) {
    boolean anchored = false;
    if (collector == Collector.G1
        && collections == collectionsAtLastPoll
        && oldAtLastPoll >= 0
        && old < oldAtLastPoll - maxHeap / 100) {
      long upperBefore = upper;
      upper = Math.min(upper, old + survivorsAfterCollection);
      oldAfterCollection = Math.min(oldAfterCollection, old);
      if (awaitingConcurrentVerdict) {
        anchor(upper, upperBefore);
        anchored = true;
      }
    }
    unseen = oldAfterCollection < 0 ? 0 : Math.max(0, old - oldAfterCollection);
    collectionsAtLastPoll = collections;
    oldAtLastPoll = old;
    return anchored;
  }

  /** Takes {@code live} as the anchor, and lets {@link DeadShare} learn from it. */
  private void anchor(long live, long upperBefore) {
    deadShare.learn(anchor, live, upperBefore, anchorEpoch == 0);
    anchor = live;
    anchorEpoch++;
    measuredEpoch++;
  }

  /** The upper bound, 0 before any figure. */
  long upper() {
    return Math.max(0, upper);
  }

  /** Bytes allocated straight into the old generation since the latest collection. */
  long unseen() {
    return unseen;
  }

  long anchor() {
    return anchor;
  }

  long anchorEpoch() {
    return anchorEpoch;
  }

  long measuredEpoch() {
    return measuredEpoch;
  }

  /** The share of promoted bytes recent anchors found dead, or -1 before any measured it. */
  double deadShare() {
    return deadShare.value();
  }
}
