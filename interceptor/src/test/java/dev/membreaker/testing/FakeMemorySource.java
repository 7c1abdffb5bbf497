package dev.membreaker.testing;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;

/**
 * A {@link MemorySource} whose reading is set by the test. Each {@link #set} counts as a fresh
 * measurement (a new epoch, as a collection would give the live set); {@link #unavailable()} makes
 * it unreadable. Thread-safe. Shipped in the test-jar.
 */
public final class FakeMemorySource implements MemorySource {

  private final Dimension dimension;
  private volatile MemoryReading reading;
  private volatile Runnable onChange = () -> {};
  private long epoch;

  /** A source of {@code dimension} reading {@code used} of {@code limit}. */
  public FakeMemorySource(Dimension dimension, long used, long limit) {
    this.dimension = dimension;
    set(used, limit);
  }

  /** A source of {@code dimension} at the given pressure of a 1 GiB limit. */
  public static FakeMemorySource atPressure(Dimension dimension, double pressure) {
    FakeMemorySource s = new FakeMemorySource(dimension, 0, 1L << 30);
    s.setPressure(pressure);
    return s;
  }

  /** Sets used and limit as a fresh measurement. */
  public synchronized FakeMemorySource set(long used, long limit) {
    epoch++;
    reading = new MemoryReading(used, limit, epoch);
    return this;
  }

  /** Sets used to {@code pressure} × the current limit (1 GiB if unavailable), freshly measured. */
  public synchronized FakeMemorySource setPressure(double pressure) {
    long limit = reading != null && reading.available() ? reading.limit() : 1L << 30;
    return set(Math.round(pressure * limit), limit);
  }

  /** Keeps the value but leaves the epoch alone: a stale repeat of the last measurement. */
  public synchronized FakeMemorySource setStale(long used) {
    reading = new MemoryReading(used, reading.limit(), epoch);
    return this;
  }

  /** Makes the source unreadable. */
  public FakeMemorySource unavailable() {
    reading = MemoryReading.unavailable();
    return this;
  }

  /** Runs the change callback, as a GC notification would. */
  public void fireChange() {
    onChange.run();
  }

  @Override
  public Dimension dimension() {
    return dimension;
  }

  @Override
  public MemoryReading read() {
    return reading;
  }

  @Override
  public void onChange(Runnable callback) {
    onChange = callback;
  }
}
