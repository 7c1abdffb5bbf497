package dev.membreaker.memory;

import java.util.ArrayDeque;

/**
 * The share of wall time the breaker's own stop-the-world collections may take, and the prediction
 * of the next one's pause that is checked against it before it runs.
 *
 * <p>Why. A confirming collection on G1, Parallel or Serial is a full collection: it stops the
 * application for as long as it takes to mark and compact the live set, about 1 s per 3 GiB of
 * small objects on 2 cores. Spacing confirmations by a multiple of the <em>last</em> pause does not
 * bound that: a rule that refreshes every 2 s while the breaker sheds froze a 4 GiB heap a third of
 * the time. So every collection the breaker asks for is checked first: the pause time spent in the
 * last {@link #WINDOW_NANOS} plus the predicted pause must stay within {@code share} of that window
 * (1 % of a minute: 600 ms). And no single one may stop the application for longer than its own
 * collector does: the predicted pause must be at most twice the longest pause the collector took on
 * its own in the last minute, or {@link #PAUSE_FLOOR_NANOS}, whichever is longer. An application
 * tuned for 20 ms young pauses is not frozen for 300 ms by its guard, however rarely. A pause that
 * does not fit (a 1 s prediction against 600 ms, or against a 40 ms collector) means the breaker
 * runs no such collection at all while it is predicted so: it then acts as under {@code
 * -XX:+DisableExplicitGC}, on the collector's own evidence.
 *
 * <p>The prediction scales by the live set: full collections mark what is live, so the cost of one
 * is learned as nanoseconds per live byte from every full collection seen (the breaker's own and
 * the collector's), and the next is predicted from the live bytes now. Before any is seen, the cost
 * is taken as {@link #PRIOR_NANOS_PER_BYTE}, the cost of a heap of small objects (the worst common
 * case: a large array of bytes marks much faster), so a large heap is never frozen to learn what
 * its collections cost.
 *
 * <p>Pure: time is given by the caller. Not thread-safe: the live-set source calls it under its
 * lock.
 */
final class PauseBudget {

  /** The window the share is kept over. */
  static final long WINDOW_NANOS = 60_000_000_000L;

  /** 1 s per 3 GiB: what a full collection of a heap of small objects costs on 2 cores. */
  static final double PRIOR_NANOS_PER_BYTE = 1e9 / (3.0 * (1L << 30));

  /** The default share of wall time: 1 %. */
  static final double DEFAULT_SHARE = 0.01;

  /**
   * A pause this short is allowed whatever the collector's own pauses: half of G1's default pause
   * goal ({@code MaxGCPauseMillis}, 200 ms). It lets the first confirmation of a small heap run
   * under the pessimistic prior (0.9 of 256 MiB predicts 72 ms; such pauses measure 1 to 10 ms),
   * and nothing of a large heap of small objects (0.8 of 1 GiB predicts 270 ms).
   */
  static final long PAUSE_FLOOR_NANOS = 100_000_000L;

  /** The collector's own pauses are kept as the longest in each slot of this length. */
  private static final long SLOT_NANOS = WINDOW_NANOS / 6;

  private final ArrayDeque<long[]> spent = new ArrayDeque<>(); // {end, pause} of each, oldest first
  private double share = DEFAULT_SHARE;
  private double nanosPerLiveByte = -1; // -1: nothing measured yet
  private final long[] naturalSlotMax = new long[6]; // longest natural pause per slot
  private final long[] naturalSlotStart = new long[6];
  private boolean anyNatural;

  /** Sets the share of wall time allowed, in [0, 1]. 0: no stop-the-world collection at all. */
  void share(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException(
          "a pause budget is a share of time in [0, 1], was " + share);
    }
    this.share = share;
  }

  double share() {
    return share;
  }

  /** The pause time the window may hold. */
  long allowanceNanos() {
    return (long) (share * WINDOW_NANOS);
  }

  /**
   * Records a collection the breaker asked for that ended at {@code endNanos} after stopping the
   * application for {@code pauseNanos}. Its cost is learned from its notification ({@link #learn}).
   */
  void spend(long endNanos, long pauseNanos) {
    spent.addLast(new long[] {endNanos, Math.max(0, pauseNanos)});
  }

  /** Learns the cost of a full collection, whoever asked for it, from what it left live. */
  void learn(long pauseNanos, long liveBytesAfter) {
    if (pauseNanos > 0 && liveBytesAfter > 0) {
      nanosPerLiveByte = (double) pauseNanos / liveBytesAfter;
    }
  }

  /** Records a pause the collector took on its own (not asked for by the breaker). */
  void natural(long endNanos, long pauseNanos) {
    long slotStart = Math.floorDiv(endNanos, SLOT_NANOS) * SLOT_NANOS;
    int i = Math.floorMod(Math.floorDiv(endNanos, SLOT_NANOS), naturalSlotMax.length);
    if (!anyNatural || naturalSlotStart[i] != slotStart) {
      naturalSlotStart[i] = slotStart;
      naturalSlotMax[i] = 0;
    }
    naturalSlotMax[i] = Math.max(naturalSlotMax[i], pauseNanos);
    anyNatural = true;
  }

  /**
   * The longest pause the breaker may cause at {@code now}: twice the collector's own longest in
   * the last minute (its slots), and never under {@link #PAUSE_FLOOR_NANOS}.
   */
  long maxPauseNanos(long now) {
    long longest = 0;
    for (int i = 0; anyNatural && i < naturalSlotMax.length; i++) {
      if (now - naturalSlotStart[i] < WINDOW_NANOS + SLOT_NANOS) {
        longest = Math.max(longest, naturalSlotMax[i]);
      }
    }
    return Math.max(PAUSE_FLOOR_NANOS, 2 * longest);
  }

  /**
   * The pause a full collection of {@code liveBytes} is predicted to take: the learned cost per
   * byte, never above the small-object prior. A full collection has a fixed part (roots, threads,
   * metadata) that a small live set divides into a high cost per byte: 20 ms for 30 MB predicted
   * over 100 ms at 150 MB, and that refused the confirmations a 256 MiB heap needed in a surge (the
   * server died). Where pauses really run longer than the prior, the share can be overrun by at
   * most one pause.
   */
  long predictNanos(long liveBytes) {
    double perByte =
        nanosPerLiveByte >= 0
            ? Math.min(nanosPerLiveByte, PRIOR_NANOS_PER_BYTE)
            : PRIOR_NANOS_PER_BYTE;
    return (long) (perByte * Math.max(0, liveBytes));
  }

  /** Pause time the breaker spent in the window ending at {@code now}. */
  long spentNanos(long now) {
    while (!spent.isEmpty() && now - spent.peekFirst()[0] >= WINDOW_NANOS) {
      spent.removeFirst();
    }
    long sum = 0;
    for (long[] s : spent) {
      sum += s[1];
    }
    return sum;
  }

  /** Whether a collection of {@code liveBytes} may start at {@code now}. */
  boolean allows(long now, long liveBytes) {
    return fits(now, liveBytes) && spentNanos(now) + predictNanos(liveBytes) <= allowanceNanos();
  }

  /**
   * Whether a collection of {@code liveBytes} fits at {@code now} with nothing spent: within the
   * share of the window, and no longer than the longest pause allowed.
   */
  boolean fits(long now, long liveBytes) {
    long predicted = predictNanos(liveBytes);
    return predicted <= allowanceNanos() && predicted <= maxPauseNanos(now);
  }
}
