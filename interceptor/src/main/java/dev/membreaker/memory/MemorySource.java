package dev.membreaker.memory;

/**
 * Where the numbers of one {@link Dimension} come from. The sampler thread calls {@link #read()} at
 * its interval; nothing else does (a source that calls back is the exception: see {@link
 * #onChange}), so reads need not be thread-safe, but {@code read()} must never throw: a source that
 * fails switches itself off, logs once, and answers {@link MemoryReading#unavailable()} from then
 * on.
 *
 * <p>Fakes of this interface ({@code dev.membreaker.testing.FakeMemorySource}) drive every test of
 * the breaker.
 */
public interface MemorySource extends AutoCloseable {

  /** The dimension this source measures. */
  Dimension dimension();

  /**
   * Reads the current value. Called on the sampler thread (see {@link #onChange}); must not throw.
   */
  MemoryReading read();

  /**
   * Gives the source a callback to run when its figure changes by itself (a GC notification), so
   * the sampler can evaluate at once instead of waiting for its next poll. The callback reads the
   * source ({@link #read()}) on the thread that runs it, to decide whether the new figure needs
   * grading now: a source that calls back must make {@code read()} safe from that thread. The
   * default ignores the callback.
   */
  default void onChange(Runnable callback) {}

  /** Releases what the source holds (listeners, open files). The default does nothing. */
  @Override
  default void close() {}
}
