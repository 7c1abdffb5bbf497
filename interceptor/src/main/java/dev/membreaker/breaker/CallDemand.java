package dev.membreaker.breaker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What the traffic asks of the server, whatever the breaker lets through: the calls it could refuse
 * (every priority but CRITICAL), counted as the interceptor or {@link MemoryBreaker#decide} admits
 * or refuses them. The breaker reads the counts once per sample and turns them into rates ({@link
 * DemandMeter}).
 *
 * <p>Why the breaker needs it. Shedding makes memory fall: the calls it refused hold nothing. A low
 * reading after shedding is therefore no sign that the pressure is gone; the refused calls are. The
 * state machine compares the bytes they would bring, if let through, with the headroom left ({@link
 * RefillGuard}), and holds OPEN and HALF_OPEN while they would not fit.
 *
 * <p>Cost. Counting is on every call's path, so it must cost next to nothing: each thread adds to a
 * stripe of its own (by thread id, {@value #STRIPES} stripes a cache line apart) with an opaque
 * read and write, no atomic instruction: about a nanosecond, where a {@link
 * java.util.concurrent.atomic.LongAdder}'s compare-and-set took 11 ns on the admit benchmark
 * (docs/BENCHMARKS.md). Two threads that share a stripe and count at the same instant may lose one
 * count: these are rates of calls, not a ledger, and a count missed is as likely among the admitted
 * as among the refused.
 */
public final class CallDemand {

  static final int STRIPES = 64;
  private static final int PAD = 8; // longs per cache line
  private static final int REFUSED = STRIPES * PAD; // the refused stripes follow the admitted ones
  private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] counts = new long[2 * STRIPES * PAD];

  /** Counts a call the breaker could have refused and admitted. */
  public void admitted() {
    add(stripe());
  }

  /**
   * Counts a call the breaker could refuse and refused, on any ground (memory, bytes in flight, a
   * cap on calls).
   */
  public void refused() {
    add(REFUSED + stripe());
  }

  private static int stripe() {
    return ((int) Thread.currentThread().getId() & (STRIPES - 1)) * PAD;
  }

  private void add(int slot) {
    SLOT.setOpaque(counts, slot, (long) SLOT.getOpaque(counts, slot) + 1);
  }

  long admittedCount() {
    return sum(0);
  }

  long refusedCount() {
    return sum(REFUSED);
  }

  private long sum(int from) {
    long total = 0;
    for (int i = 0; i < STRIPES; i++) {
      total += (long) SLOT.getOpaque(counts, from + i * PAD);
    }
    return total;
  }
}
