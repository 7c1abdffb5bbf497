package dev.membreaker.memory;

/**
 * Where the numbers of one {@link Dimension} come from. The sampler thread calls {@link #read()}
 * at its interval; nothing else does, so implementations need not be thread-safe for reads, but
 * must never throw from {@code read()}: a source that fails switches itself off, logs once, and
 * answers {@link MemoryReading#unavailable()} from then on.
 *
 * <p>Fakes of this interface ({@code dev.membreaker.testing.FakeMemorySource}) drive every test of
 * the breaker.
 */
public interface MemorySource extends AutoCloseable {

  /** The dimension this source measures. */
  Dimension dimension();

  /** Reads the current value. Called on the sampler thread only; must not throw. */
  MemoryReading read();

  /**
   * Gives the source a callback to run when its figure changes by itself (a GC notification), so
   * the sampler evaluates at once instead of waiting for its next tick. The default ignores it.
   */
  default void onChange(Runnable callback) {}

  /** Releases what the source holds (listeners, open files). The default does nothing. */
  @Override
  default void close() {}
}
