package dev.membreaker.memory;

import dev.membreaker.time.Ticker;

/**
 * Reads an expensive source (cgroup files) at its own slower cadence and repeats its last reading
 * in between, so the sampler's fast interval does not multiply the cost of kernel file reads.
 */
final class ThrottledSource implements MemorySource {

  private final MemorySource delegate;
  private final long intervalNanos;
  private final Ticker ticker;
  private MemoryReading last;
  private long readAt;

  ThrottledSource(MemorySource delegate, long intervalNanos, Ticker ticker) {
    this.delegate = delegate;
    this.intervalNanos = intervalNanos;
    this.ticker = ticker;
  }

  @Override
  public Dimension dimension() {
    return delegate.dimension();
  }

  @Override
  public MemoryReading read() {
    long now = ticker.read();
    if (last == null || now - readAt >= intervalNanos) {
      last = delegate.read();
      readAt = now;
    }
    return last;
  }

  @Override
  public void onChange(Runnable callback) {
    delegate.onChange(callback);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
