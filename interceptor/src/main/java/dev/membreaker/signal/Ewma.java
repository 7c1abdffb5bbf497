package dev.membreaker.signal;

/**
 * An exponentially weighted moving average: {@code value += alpha * (x - value)}, started at the
 * first observation. Not thread-safe; owned by the sampler thread.
 */
public final class Ewma {

  private final double alpha;
  private double value;
  private boolean started;

  /**
   * @param alpha weight of each new observation, in (0, 1]
   */
  public Ewma(double alpha) {
    if (!(alpha > 0 && alpha <= 1)) {
      throw new IllegalArgumentException("ewma alpha must be in (0, 1], was " + alpha);
    }
    this.alpha = alpha;
  }

  /** Adds an observation and returns the new average. */
  public double update(double x) {
    if (!started) {
      value = x;
      started = true;
    } else {
      value += alpha * (x - value);
    }
    return value;
  }

  /** Forgets the average: the next observation starts it afresh. */
  public void restart() {
    started = false;
  }

  /** The current average (0 before the first observation). */
  public double value() {
    return value;
  }
}
