package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import java.util.Locale;

/**
 * Whether the calls the breaker refuses would refill memory if it let them through: the share of
 * them that HALF_OPEN may admit, so that a reading made low by shedding is not taken for a recovery
 * while the surge that caused it is still on.
 *
 * <p>What it learns from OPEN's drain. Shedding lets the calls admitted before OPEN finish and free
 * what they held: the live set falls from its peak and then stops falling. When it has stopped (no
 * measurement {@link #STILL} of the limit under the latest fall's for {@link #MIN_WINDOW_NANOS}, or
 * it is as low as it was over the 10 to 20 s before OPEN) after falling at least {@link #MIN_DRAIN}
 * of the limit, or after {@link #MAX_HOLD_NANOS} in any case, the drain is complete: it took about
 * as long as a call holds its bytes (the hold time), and the calls that held the dropped bytes were
 * admitted within that time before OPEN. The drop divided by their rate is what a call a second
 * holds: {@code bytesPerRate}, the product of a call's bytes and its hold time. A drop under {@link
 * #MIN_DRAIN} of the limit, or an admitted rate under {@link #MIN_RATE}, teaches nothing: the
 * pressure was not made of calls this breaker refuses, and nothing is held back on their account.
 * Until the drain is complete, OPEN does not end early: a reading that is still falling says what
 * the calls freed, not what the load is. A fall of {@link #STILL} or more after the drain seemed
 * complete (a pause, or a spike of other bytes that left at once) extends the hold time, and in
 * OPEN reopens the drain.
 *
 * <p>What it allows. Let through, the calls offered now (admitted and refused) would hold {@code
 * offered × bytesPerRate}; the headroom is the warning watermark less the low. Their ratio, capped
 * to [0, 1], is the share HALF_OPEN may admit. OPEN ends early only when it is at least the probe
 * share, and HALF_OPEN closes only when it is 1. Once a surge ends, the refused rate falls within a
 * second and the share rises with it.
 *
 * <p>What it sees while HALF_OPEN probes. A figure learned from a drain may be wrong for the
 * traffic of now: the calls that filled memory may have come with others that hold nothing, which
 * shedding refused alike. So each measurement while HALF_OPEN admits its share shows what the calls
 * admitted since the low hold: {@code n} calls admitted within the hold time hold {@code n ×
 * bytesPerRate / hold time}. A figure seen above the learned one replaces it at once; one under
 * half of it, once a whole hold time was seen (the drain's tail can hide what the probes add
 * before), or sooner one under a quarter of it when a third less is offered than when OPEN began
 * (the surge ended; what is left may hold next to nothing). Once seen, the share it gives may close
 * HALF_OPEN without waiting for the live set to hold still. It takes {@link #MIN_CALLS} admitted
 * calls and {@link #MIN_WINDOW_NANOS}.
 *
 * <p>Not thread-safe: owned by one {@link StateMachine}.
 */
final class RefillGuard {

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());
  private static final double MIB = 1 << 20;

  /** A drop smaller than this share of the limit teaches nothing. */
  static final double MIN_DRAIN = 0.05;

  /** A fall smaller than this share of the limit is no fall: the drain has stopped. */
  static final double STILL = 0.01;

  /** Calls a second: an admitted rate under this teaches nothing. */
  static final double MIN_RATE = 1.0;

  /** The shortest hold time assumed, and the shortest time a probe's measurement spans. */
  static final long MIN_WINDOW_NANOS = 500_000_000L;

  /** The longest hold time assumed: a drain still going after it is taken as complete. */
  static final long MAX_HOLD_NANOS = 5_000_000_000L;

  /** The fewest calls admitted while HALF_OPEN that what they hold is seen from. */
  static final int MIN_CALLS = 5;

  private final DemandMeter meter; // null: no demand known, nothing held back
  private boolean active; // an OPEN for memory, or the HALF_OPEN after it
  private boolean halfOpen;
  private long openedAt;
  private long epoch;
  private long peak;
  private long lowWhenFell; // the figure of the latest measurement that fell
  private long low;
  private long fellAt; // when the drain last fell
  private boolean drained; // the drain of this OPEN is complete
  private long holdNanos = MIN_WINDOW_NANOS;
  private long settleFrom; // the low's time: what HALF_OPEN's calls hold is measured from it
  private double bytesPerRate; // 0: unknown, or seen to be nothing
  private boolean known; // learned from a drain or seen since OPEN began
  private boolean seen; // what HALF_OPEN's own calls hold was measured
  private double offeredAtOpen; // the calls a second offered when OPEN began
  private double warning; // the config's, as of the latest sample: for the log
  private final Floor floor = new Floor();

  /**
   * The lowest live set measured over the last 10 to 20 s outside OPEN and HALF_OPEN: two buckets
   * of 10 s. A drain that reaches it is complete without waiting to see it stop.
   */
  private static final class Floor {
    private static final long BUCKET_NANOS = 10_000_000_000L;
    private long bucketStart;
    private long current = Long.MAX_VALUE;
    private long previous = Long.MAX_VALUE;

    void add(long now, long bytes) {
      if (now - bucketStart >= BUCKET_NANOS) {
        previous = now - bucketStart >= 2 * BUCKET_NANOS ? Long.MAX_VALUE : current;
        current = Long.MAX_VALUE;
        bucketStart = now;
      }
      current = Math.min(current, bytes);
    }

    /** The floor; {@code Long.MAX_VALUE} before any measurement. */
    long lowest() {
      return Math.min(current, previous);
    }
  }

  /**
   * @param meter the demand's rates, or null when no calls are counted
   */
  RefillGuard(DemandMeter meter) {
    this.meter = meter;
  }

  /**
   * OPEN began for memory (first, or on a relapse): a new drain starts from this reading. Only for
   * the live set (another dimension's pressure is not what this drain measures), and only with
   * calls it could refuse admitted over the longest hold time before: without them there is no
   * drain to learn from, and nothing is held back.
   */
  void opened(long now, Grade grade) {
    active =
        meter != null
            && grade.driving() == Dimension.HEAP_LIVE
            && meter.admittedRate(now - MAX_HOLD_NANOS, now) >= MIN_RATE;
    halfOpen = false;
    openedAt = now;
    epoch = grade.liveEpoch();
    peak = grade.measuredLiveBytes();
    lowWhenFell = peak;
    low = -1;
    fellAt = now;
    drained = false;
    seen = false;
    offeredAtOpen = meter == null ? 0 : meter.rates().offered();
  }

  /** HALF_OPEN began after OPEN for memory: what it admits is measured from the low. */
  void halfOpened(long now) {
    halfOpen = true;
    settleFrom = now;
  }

  /** The breaker left OPEN and HALF_OPEN: nothing is held back until the next OPEN. */
  void closed() {
    active = false;
    halfOpen = false;
    bytesPerRate = 0;
    known = false;
    seen = false;
  }

  /**
   * Whether OPEN may end early on this drain's account: it is complete, or there is none to wait
   * for (no demand counted).
   */
  boolean drainSettled() {
    return !active || drained;
  }

  /**
   * Whether what the calls hold was seen while HALF_OPEN admitted them, with the traffic's mix of
   * now: then {@link #allowedShare} judges whether the demand fits, better than waiting for the
   * live set to hold still.
   */
  boolean seenWhileProbing() {
    return active && seen;
  }

  /**
   * Takes in a sample, in any state: keeps the floor the live set held before OPEN, and while OPEN
   * and the HALF_OPEN after it, learns from each new measurement.
   */
  void observe(long now, Grade grade, BreakerConfig config) {
    warning = config.warning();
    long bytes = grade.measuredLiveBytes();
    if (bytes < 0 || grade.liveEpoch() == epoch) {
      return;
    }
    epoch = grade.liveEpoch();
    if (!active) {
      floor.add(now, bytes);
      return;
    }
    long limit = grade.liveLimit();
    if (low < 0 && bytes > peak) {
      peak = bytes; // still filling with what was admitted before OPEN: the drain starts later
      lowWhenFell = bytes;
    } else if (!drained) {
      if (lowWhenFell - bytes >= STILL * limit) {
        fellAt = now;
        lowWhenFell = bytes;
      }
      low = low < 0 ? bytes : Math.min(low, bytes);
      long before = floor.lowest();
      boolean atFloor =
          before != Long.MAX_VALUE
              && low - before < STILL * limit; // as low as before the load came
      // A pause before a twentieth of the heap has drained is no end: the drain has hardly begun.
      boolean drainedSome = peak - low >= MIN_DRAIN * limit;
      if (drainedSome && (atFloor || now - fellAt >= MIN_WINDOW_NANOS)
          || now - openedAt >= MAX_HOLD_NANOS) {
        drained = true;
        settleFrom = now;
        learnFromDrain(limit);
      }
    } else if (bytes < low) {
      if (low - bytes >= STILL * limit) {
        // The drain goes on after all (a pause, or a spike of other bytes that left at once, was
        // taken for its end): it takes longer than was thought, and in OPEN it is not over.
        fellAt = now;
        holdNanos = Math.max(holdNanos, Math.min(MAX_HOLD_NANOS, now - openedAt));
        drained = halfOpen;
      }
      low = bytes; // the probes' bytes are measured from the lowest figure
      settleFrom = now;
      if (!drained) {
        lowWhenFell = bytes;
      }
    } else if (halfOpen) {
      see(now, bytes - low, limit);
    }
  }

  private void learnFromDrain(long limit) {
    long drop = peak - low;
    long hold = Math.min(MAX_HOLD_NANOS, Math.max(MIN_WINDOW_NANOS, fellAt - openedAt));
    double fillRate = meter.admittedRate(openedAt - hold, openedAt);
    if (drop < MIN_DRAIN * limit || fillRate < MIN_RATE) {
      return;
    }
    holdNanos = hold;
    learned(
        drop / fillRate,
        String.format(
            Locale.ROOT,
            "the live set fell %.1f MiB in %.1f s of shedding, after %.1f calls/s were admitted",
            drop / MIB,
            hold / 1e9,
            fillRate),
        limit);
  }

  /**
   * A measurement while HALF_OPEN admits its share: {@code held} above the low, by the calls
   * admitted since it (or over the last hold time, once that has passed).
   */
  private void see(long now, long held, long limit) {
    long window = Math.min(now - settleFrom, holdNanos);
    if (!known || window < MIN_WINDOW_NANOS) {
      return;
    }
    double calls = meter.admittedRate(now - window, now) * window / 1e9;
    if (calls < MIN_CALLS) {
      return;
    }
    double figure = Math.max(0, held) * (holdNanos / 1e9) / calls;
    seen = true;
    // Raised at once. Lowered only once a whole hold time is seen (before, the tail of the drain
    // can hide what the probes hold), or sooner when the traffic changed since OPEN began (a third
    // less offered: the mix the figure was learned on may be gone) and the calls hold next to
    // nothing (a quarter of the figure or less).
    boolean full = now - settleFrom >= holdNanos;
    boolean changed = meter.rates().offered() <= offeredAtOpen * 2 / 3;
    if (figure > bytesPerRate
        || full && figure < bytesPerRate / 2
        || changed && figure < bytesPerRate / 4) {
      learned(
          figure,
          String.format(
              Locale.ROOT,
              "the %.0f calls HALF_OPEN admitted in %.1f s hold %.1f MiB",
              calls,
              window / 1e9,
              held / MIB),
          limit);
    }
  }

  private void learned(double next, String why, long limit) {
    bytesPerRate = next;
    known = true;
    if (LOG.isLoggable(System.Logger.Level.INFO)) {
      double offered = meter.rates().offered();
      LOG.log(
          System.Logger.Level.INFO,
          String.format(
              Locale.ROOT,
              "membreaker: a call a second holds about %.2f MiB (%s): the %.0f calls/s offered"
                  + " would hold %.1f MiB, against %.1f MiB of headroom under the warning"
                  + " watermark",
              next / MIB,
              why,
              offered,
              offered * next / MIB,
              Math.max(0, warning * limit - (low >= 0 ? low : peak)) / MIB));
    }
  }

  /**
   * The share of the calls it could refuse that the breaker may admit now: 1 when nothing is
   * learned or the whole demand fits under the warning watermark, 0 when there is no headroom.
   */
  double allowedShare(BreakerConfig config, long limit) {
    if (!active || !known || limit <= 0) {
      return 1;
    }
    double need = meter.rates().offered() * bytesPerRate;
    if (need <= 0) {
      return 1;
    }
    double room = config.warning() * limit - (low >= 0 ? low : peak);
    return Math.max(0, Math.min(1, room / need));
  }
}
