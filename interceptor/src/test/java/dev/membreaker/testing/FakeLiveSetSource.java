package dev.membreaker.testing;

import dev.membreaker.memory.Collector;
import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.memory.LiveSetSource;
import dev.membreaker.memory.MemoryReading;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link LiveSetSource} whose anchor, upper bound and estimate the test sets, and which records
 * the confirmations asked of it instead of collecting. {@link #confirmAs} plays the collection's
 * verdict: a new anchor. Thread-safe. Shipped in the test-jar.
 */
public final class FakeLiveSetSource implements LiveSetSource {

  private final long limit;
  private long upperLimit;
  private long upper;
  private long unseen;
  private long anchor;
  private long estimate;
  private long anchorEpoch;
  private long measuredEpoch;
  private long collections;
  private double deadShare = -1;
  private boolean canConfirm = true;
  private boolean available = true;
  private boolean tooSoon;
  private Collector collector = Collector.OTHER;
  private final List<String> requests = new ArrayList<>();

  /** A live set of a {@code limit}-byte heap, at 0 with no anchor yet. */
  public FakeLiveSetSource(long limit) {
    this.limit = limit;
    this.upperLimit = limit;
  }

  /** A young collection: the upper bound and the estimate move, the anchor does not. */
  public synchronized FakeLiveSetSource young(double upperShare, double estimateShare) {
    upper = Math.round(upperShare * limit);
    estimate = Math.round(estimateShare * limit);
    unseen = 0;
    collections++;
    if (!canConfirm) {
      measuredEpoch++; // as the real source: without confirmations every collection is a
      // measurement
    }
    return this;
  }

  /**
   * Bytes allocated straight into the old generation since the last collection (humongous objects),
   * as a share of the heap; any collection sets them back to 0.
   */
  public synchronized FakeLiveSetSource unseen(double share) {
    unseen = Math.round(share * limit);
    return this;
  }

  /** A marking collection: a new anchor, and the estimate and upper bound with it. */
  public synchronized FakeLiveSetSource anchor(double share) {
    anchor = Math.round(share * limit);
    upper = anchor;
    estimate = anchor;
    unseen = 0;
    anchorEpoch++;
    measuredEpoch++;
    collections++;
    return this;
  }

  /** The verdict of a confirming collection: a new anchor at {@code share}. */
  public FakeLiveSetSource confirmAs(double share) {
    return anchor(share);
  }

  public synchronized FakeLiveSetSource deadShare(double share) {
    deadShare = share;
    return this;
  }

  /** The collector the evidence names (OTHER by default). */
  public synchronized FakeLiveSetSource collector(Collector c) {
    collector = c;
    return this;
  }

  /**
   * The most the upper bound can hold, as a share of the heap: the old and survivor spaces' size
   * with Parallel and Serial (about 0.7), the heap's with others (the default, 1).
   */
  public synchronized FakeLiveSetSource upperLimit(double share) {
    upperLimit = Math.round(share * limit);
    return this;
  }

  /** As when the last confirmation was too recent: the evidence says none may start now. */
  public synchronized FakeLiveSetSource confirmationsTooSoon() {
    tooSoon = true;
    return this;
  }

  /** As under {@code -XX:+DisableExplicitGC}: every request answers DISABLED. */
  public synchronized FakeLiveSetSource cannotConfirm() {
    canConfirm = false;
    return this;
  }

  /** The confirmations asked for so far, by reason. */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public Dimension dimension() {
    return Dimension.HEAP_LIVE;
  }

  @Override
  public synchronized MemoryReading read() {
    return available
        ? new MemoryReading(estimate, limit, collections)
        : MemoryReading.unavailable();
  }

  @Override
  public synchronized LiveSetEvidence evidence() {
    return new LiveSetEvidence(
        collector,
        upper,
        unseen,
        upperLimit,
        anchor,
        anchorEpoch,
        measuredEpoch,
        deadShare,
        0,
        0,
        canConfirm,
        canConfirm && !tooSoon,
        false);
  }

  @Override
  public synchronized Confirmation requestConfirmation(String reason) {
    if (!canConfirm) {
      return Confirmation.DISABLED;
    }
    requests.add(reason);
    return Confirmation.STARTED;
  }
}
