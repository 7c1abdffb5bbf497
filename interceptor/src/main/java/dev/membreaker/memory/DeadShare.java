package dev.membreaker.memory;

/**
 * The share of promoted bytes that marking collections found dead, learned one anchor at a time:
 * the {@code g} of the live-set estimate {@code A + (1 − g) × (U − A)}. Not thread-safe: its owner
 * guards it.
 *
 * <p>An anchor compares what it found live with the previous anchor and with the upper bound just
 * before it. The first anchor has no previous one: it is compared with the first figure the breaker
 * read, and what it found live since then includes whatever the server's start-up kept (caches,
 * pools, classes' data). So it teaches only that promoted bytes died, which is certain, and never
 * that they survived: read as retention, a server's own start-up made the breaker trust promoted
 * garbage as live until the next anchor. An anchor well below the previous one means memory the
 * previous one held was released: that counts as died (the surge is over; what grows next is not to
 * be trusted as retained until an anchor says so). Only a twentieth of the heap promoted or more
 * teaches anything, with 2 % of slack, since anchors wobble with what is in flight. The share falls
 * at once when an anchor shows retention and rises by halves, so one garbage-heavy cycle does not
 * hide the next surge.
 */
final class DeadShare {

  private final long maxHeap;
  private double share = -1;

  DeadShare(long maxHeap) {
    this.maxHeap = maxHeap;
  }

  /** The share in [0, 1], or -1 until an anchor has measured it. */
  double value() {
    return share;
  }

  /**
   * Learns from a new anchor.
   *
   * @param previousAnchor what the previous anchor found live (for the first anchor, the first
   *     figure read)
   * @param live what this anchor found live
   * @param upperBefore the upper bound just before this anchor (at least {@code live})
   * @param first whether this is the first anchor
   */
  void learn(long previousAnchor, long live, long upperBefore, boolean first) {
    long promoted = Math.max(0, upperBefore - previousAnchor);
    long released = Math.max(0, previousAnchor - live);
    long slack = maxHeap / 50;
    if (released > slack) {
      share = share < 0 ? 1 : 0.5 * share + 0.5;
    } else if (promoted > maxHeap / 20) {
      double survived =
          Math.max(0, Math.min(1, (double) (live - previousAnchor - slack) / promoted));
      double died = 1 - survived;
      if (first && died < 0.5) {
        return; // what survived may be start-up's: no evidence of retention
      }
      share = share < 0 || died < share ? died : 0.5 * share + 0.5 * died;
    }
  }
}
