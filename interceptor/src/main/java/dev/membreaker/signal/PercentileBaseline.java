package dev.membreaker.signal;

import java.util.Arrays;

/**
 * A long-window baseline of a rate: one observation recorded per {@code recordEvery} (the first
 * offered after that time passes), kept in a ring covering the window, with its P95 and P99
 * recomputed at each record. Recording once a second keeps a 10-minute window at 600 values and the
 * sort that finds its percentiles at a few microseconds per second. Not thread-safe; owned by the
 * sampler thread; allocation-free after construction.
 */
public final class PercentileBaseline {

  private final double[] ring;
  private final double[] sorted;
  private final long recordEveryNanos;
  private int next;
  private int size;
  private long lastRecord;
  private boolean recorded;
  private double p95;
  private double p99;

  /**
   * @param windowNanos how far back the baseline reaches
   * @param recordEveryNanos the spacing of recorded observations
   */
  public PercentileBaseline(long windowNanos, long recordEveryNanos) {
    if (recordEveryNanos <= 0 || windowNanos < recordEveryNanos) {
      throw new IllegalArgumentException(
          "baseline window ("
              + windowNanos
              + " ns) must cover at least one record interval ("
              + recordEveryNanos
              + " ns)");
    }
    int capacity = (int) Math.min(1_000_000, windowNanos / recordEveryNanos);
    ring = new double[capacity];
    sorted = new double[capacity];
    this.recordEveryNanos = recordEveryNanos;
  }

  /** Offers an observation made at {@code nanos}; it is recorded if the record interval passed. */
  public void offer(long nanos, double value) {
    if (recorded && nanos - lastRecord < recordEveryNanos) {
      return;
    }
    recorded = true;
    lastRecord = nanos;
    ring[next] = value;
    next = (next + 1) % ring.length;
    if (size < ring.length) {
      size++;
    }
    System.arraycopy(ring, 0, sorted, 0, size);
    Arrays.sort(sorted, 0, size);
    p95 = percentile(0.95);
    p99 = percentile(0.99);
  }

  private double percentile(double q) {
    int rank = (int) Math.ceil(q * size) - 1;
    return sorted[Math.max(0, Math.min(size - 1, rank))];
  }

  /** How many observations the baseline holds. */
  public int size() {
    return size;
  }

  /** The 95th percentile of the recorded observations (0 when empty). */
  public double p95() {
    return p95;
  }

  /** The 99th percentile of the recorded observations (0 when empty). */
  public double p99() {
    return p99;
  }
}
