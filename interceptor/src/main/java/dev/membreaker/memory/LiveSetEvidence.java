package dev.membreaker.memory;

/**
 * What the live-set estimate rests on, beside the estimate itself. Immutable.
 *
 * <p>Only a collection that marks the old generation tells how much of it is live: a full
 * collection, a G1 mixed collection or the Remark that precedes them, a ZGC or Shenandoah cycle.
 * Its figure is the <em>anchor</em>. Every young collection gives an <em>upper bound</em> (old and
 * survivor occupancy after it): promoted objects whose liveness is unknown until the next anchor.
 * The estimate is {@code anchor + (1 − deadShare) × (upper − anchor)}, where {@code deadShare} is
 * the share of promoted bytes that recent anchors found dead.
 *
 * @param collector the collector this JVM runs
 * @param upper bytes of old (and survivor) data after the latest collection: an upper bound
 * @param unseen bytes allocated straight into the old generation since the latest collection (G1's
 *     humongous objects, objects too large for the young generation): no collection has seen them,
 *     and none comes by itself as they fill the heap; not in the upper bound
 * @param upperLimit the most the upper bound can hold: the old and survivor spaces' maximum. The
 *     heap's maximum with G1, ZGC and Shenandoah; about 0.7 of it with Parallel and Serial, whose
 *     young generation has a size of its own (when the old generation is full, a full collection
 *     follows, whatever the heap's total)
 * @param anchor bytes of old data the latest anchor found live (0 before the first)
 * @param anchorEpoch how many anchors so far (0: none yet)
 * @param measuredEpoch how many figures so far that count as measured since a given moment: every
 *     anchor and, while no confirmation can be had ({@code canConfirm} false), every collection,
 *     since no better figure will come. The breaker takes the live set as fresh (able to end OPEN,
 *     or to hold it) only with a measurement made since OPEN began
 * @param deadShare the share of promoted bytes recent anchors found dead, in [0, 1]; -1 until one
 *     anchor has measured it
 * @param confirmations confirming collections run so far
 * @param lastConfirmationPauseNanos how long the latest confirming collection took (0 for none)
 * @param canConfirm whether confirming collections may run in this JVM (not under {@code
 *     -XX:+DisableExplicitGC}) and one's predicted pause fits the pause budget now
 * @param confirmationAvailable whether a confirming collection is running or may start now (not
 *     held back by its rate limit)
 * @param concurrentConfirmation whether a confirming collection runs concurrently with the
 *     application (ZGC, Shenandoah, or {@code -XX:+ExplicitGCInvokesConcurrent})
 */
public record LiveSetEvidence(
    Collector collector,
    long upper,
    long unseen,
    long upperLimit,
    long anchor,
    long anchorEpoch,
    long measuredEpoch,
    double deadShare,
    long confirmations,
    long lastConfirmationPauseNanos,
    boolean canConfirm,
    boolean confirmationAvailable,
    boolean concurrentConfirmation) {

  /** The upper bound as a share of what it can hold, or of {@code fallbackLimit} when unknown. */
  public double upperPressure(long fallbackLimit) {
    long limit = upperLimit > 0 ? upperLimit : fallbackLimit;
    return limit <= 0 ? 0 : (double) upper / limit;
  }

  /**
   * Whether the upper bound reaching its limit brings a marking collection by itself: with Parallel
   * and Serial the old generation has a fixed share of the heap, and a young collection that cannot
   * promote into it runs a full one at once, whose figure is an anchor. There the upper bound
   * climbs to its limit whenever promoted garbage fills the old generation between full
   * collections, which a healthy server does many times a minute, and the full collection that
   * follows says what was live. With G1 the limit is the heap's own: an upper bound near it means
   * the heap itself is nearly full.
   */
  public boolean fullUpperBringsAnchor() {
    return collector == Collector.PARALLEL || collector == Collector.SERIAL;
  }

  /**
   * Whether bytes no collection has seen (over 2 % of the heap's {@code limit}) take the upper
   * bound with them to {@code share} of it: then only a collection asked for can say what they are,
   * since none comes by itself as they fill the heap.
   */
  public boolean unseenReach(double share, long limit) {
    return limit > 0 && unseen > limit / 50 && (double) (upper + unseen) / limit >= share;
  }

  /** Whether some promoted bytes have unknown liveness: the estimate exceeds the anchor. */
  public boolean unconfirmed(long estimate, long limit) {
    return anchorEpoch == 0 || estimate - anchor > limit / 50;
  }
}
