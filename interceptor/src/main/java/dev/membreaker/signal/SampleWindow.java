package dev.membreaker.signal;

/**
 * The last N (time, value) samples in a ring, with the least-squares slope of value over time. Used
 * for growth rate and time-to-exhaustion: the slope of the live set over the window is its growth
 * in bytes per second. Not thread-safe; owned by the sampler thread; allocation-free after
 * construction.
 */
public final class SampleWindow {

  private final long[] times;
  private final double[] values;
  private int next;
  private int size;

  /**
   * @param capacity how many samples the window keeps, at least 2
   */
  public SampleWindow(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("window size must be at least 2, was " + capacity);
    }
    times = new long[capacity];
    values = new double[capacity];
  }

  /** Adds a sample taken at {@code nanos}. */
  public void add(long nanos, double value) {
    times[next] = nanos;
    values[next] = value;
    next = (next + 1) % times.length;
    if (size < times.length) {
      size++;
    }
  }

  /** How many samples the window holds now. */
  public int size() {
    return size;
  }

  /** The span of time the window covers, in nanoseconds. */
  public long spanNanos() {
    if (size < 2) {
      return 0;
    }
    int oldest = (next - size + times.length) % times.length;
    int newest = (next - 1 + times.length) % times.length;
    return times[newest] - times[oldest];
  }

  /**
   * The least-squares slope of value over time, in value units per second; 0 with fewer than two
   * samples or no time between them.
   */
  public double slopePerSecond() {
    if (size < 2) {
      return 0;
    }
    int oldest = (next - size + times.length) % times.length;
    long t0 = times[oldest];
    double meanT = 0;
    double meanV = 0;
    for (int i = 0; i < size; i++) {
      int at = (oldest + i) % times.length;
      meanT += (times[at] - t0) / 1e9;
      meanV += values[at];
    }
    meanT /= size;
    meanV /= size;
    double cov = 0;
    double var = 0;
    for (int i = 0; i < size; i++) {
      int at = (oldest + i) % times.length;
      double dt = (times[at] - t0) / 1e9 - meanT;
      cov += dt * (values[at] - meanV);
      var += dt * dt;
    }
    return var == 0 ? 0 : cov / var;
  }
}
