package dev.membreaker.contenders.peers;

import java.util.function.LongSupplier;

/**
 * What a user writes by hand: refuse while {@code MemoryMXBean} heap used is at least 90 % of the
 * maximum. The reading counts garbage not yet collected as used.
 */
public final class NaiveHeapCheck implements AdmissionCheck {

  public static final double THRESHOLD = 0.90;

  private final LongSupplier used;
  private final long max;
  private volatile double last = Double.NaN;

  public NaiveHeapCheck(LongSupplier used, long max) {
    this.used = used;
    this.max = max;
  }

  @Override
  public boolean admits() {
    double fraction = (double) used.getAsLong() / max;
    last = fraction;
    return fraction < THRESHOLD;
  }

  @Override
  public double reading() {
    return last;
  }

  @Override
  public String state() {
    return last >= THRESHOLD ? "over" : "under";
  }
}
