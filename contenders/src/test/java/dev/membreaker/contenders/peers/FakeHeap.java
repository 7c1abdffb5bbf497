package dev.membreaker.contenders.peers;

import java.util.function.LongSupplier;

/** A heap reading a test sets, in fractions of a 1000-byte heap. */
final class FakeHeap implements LongSupplier {

  static final long MAX = 1000;
  volatile long used;
  int reads;

  FakeHeap at(double fraction) {
    used = Math.round(fraction * MAX);
    return this;
  }

  @Override
  public long getAsLong() {
    reads++;
    return used;
  }
}
