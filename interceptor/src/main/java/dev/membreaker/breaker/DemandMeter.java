package dev.membreaker.breaker;

/**
 * Turns {@link CallDemand}'s counts into rates at each sample, and keeps the admitted count's
 * recent history so that the rate over any window of the last seconds can be asked for.
 *
 * <p>The rates now are exponentially weighted moving averages over time (not over samples, so a
 * late sample weighs as much as the time it covers), with a time constant of {@link #SHORT_NANOS}:
 * short enough that the end of a surge shows within a second. The history holds the last {@link
 * #HISTORY} samples, at least 25 s at the fastest sample interval the config allows to be the usual
 * one (50 ms); a window older than that is read from the oldest sample kept.
 *
 * <p>Not thread-safe: owned by the engine, which samples on one thread at a time. Sampling
 * allocates one small record.
 */
final class DemandMeter {

  /** The time constant of the rates that say what arrives now. */
  static final long SHORT_NANOS = 500_000_000L;

  static final int HISTORY = 512;

  private final CallDemand demand;
  private final long[] at = new long[HISTORY];
  private final long[] admittedAt = new long[HISTORY];
  private int size;
  private int next;
  private long lastRefused;
  private DemandRates rates = DemandRates.NONE;

  DemandMeter(CallDemand demand) {
    this.demand = demand;
  }

  /** Reads the counts at {@code now}; returns the rates as of then. */
  DemandRates sample(long now) {
    long admitted = demand.admittedCount();
    long refused = demand.refusedCount();
    if (size > 0) {
      int last = (next + HISTORY - 1) % HISTORY;
      long elapsed = now - at[last];
      if (elapsed <= 0) {
        return rates;
      }
      double seconds = elapsed / 1e9;
      double weight = 1 - Math.exp(-(double) elapsed / SHORT_NANOS);
      double a = (admitted - admittedAt[last]) / seconds;
      double r = (refused - lastRefused) / seconds;
      rates =
          new DemandRates(
              rates.admitted() + weight * (a - rates.admitted()),
              rates.refused() + weight * (r - rates.refused()));
    }
    at[next] = now;
    admittedAt[next] = admitted;
    next = (next + 1) % HISTORY;
    size = Math.min(HISTORY, size + 1);
    lastRefused = refused;
    return rates;
  }

  /** The rates as of the latest sample. */
  DemandRates rates() {
    return rates;
  }

  /**
   * The mean rate of calls admitted from {@code from} to {@code to} (ticker nanos), read from the
   * samples at or before each end (the oldest kept where none is); 0 without two samples between.
   */
  double admittedRate(long from, long to) {
    int start = indexAtOrBefore(from);
    int end = indexAtOrBefore(to);
    if (start < 0 || end < 0 || at[end] - at[start] <= 0) {
      return 0;
    }
    return (admittedAt[end] - admittedAt[start]) / ((at[end] - at[start]) / 1e9);
  }

  private int indexAtOrBefore(long time) {
    if (size == 0) {
      return -1;
    }
    int oldest = (next + HISTORY - size) % HISTORY;
    int found = oldest;
    for (int i = 0; i < size; i++) {
      int index = (oldest + i) % HISTORY;
      if (at[index] - time > 0) {
        break;
      }
      found = index;
    }
    return found;
  }
}
