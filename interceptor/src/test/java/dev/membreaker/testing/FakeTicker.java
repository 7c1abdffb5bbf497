package dev.membreaker.testing;

import dev.membreaker.time.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link Ticker} that moves only when told. Thread-safe. Shipped in the test-jar. */
public final class FakeTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  /** Moves time forward. */
  public FakeTicker advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return this;
  }

  /** Moves time forward by {@code millis} milliseconds. */
  public FakeTicker advanceMillis(long millis) {
    nanos.addAndGet(millis * 1_000_000L);
    return this;
  }
}
