package dev.membreaker.breaker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.memory.MemoryReading;

/**
 * The most recent samples' readings, for {@link MemoryBreaker#simulate}: a ring written by the
 * engine at each sample and copied out whole by a simulation. Thread-safe (one short lock, never on
 * the call path).
 */
final class SampleHistory {

  /** The samples in order, oldest first. */
  record Copy(long[] nanos, MemoryReading[][] readings) {}

  private final long[] nanos;
  private final MemoryReading[][] readings;

  @GuardedBy("this")
  private int next;

  @GuardedBy("this")
  private int size;

  SampleHistory(int capacity) {
    this.nanos = new long[capacity];
    this.readings = new MemoryReading[capacity][];
  }

  synchronized void add(long at, MemoryReading[] sample) {
    nanos[next] = at;
    readings[next] = sample;
    next = (next + 1) % nanos.length;
    size = Math.min(size + 1, nanos.length);
  }

  synchronized Copy copy() {
    long[] n = new long[size];
    MemoryReading[][] r = new MemoryReading[size][];
    int oldest = (next - size + nanos.length) % nanos.length;
    for (int i = 0; i < size; i++) {
      int at = (oldest + i) % nanos.length;
      n[i] = nanos[at];
      r[i] = readings[at];
    }
    return new Copy(n, r);
  }
}
