package dev.membreaker.time;

/**
 * A source of nanosecond time, injected wherever the breaker needs the time so that tests can drive
 * it deterministically (see {@code dev.membreaker.testing.FakeTicker} in the test-jar).
 *
 * <p>Values are only meaningful as differences, like {@link System#nanoTime()}. Implementations
 * must be thread-safe.
 */
@FunctionalInterface
public interface Ticker {

  /** Returns the current time in nanoseconds, from an arbitrary fixed origin. */
  long read();

  /** The ticker backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
