package dev.membreaker.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a confirming collection costs: the pause of {@code System.gc()} with a given share of the
 * heap held live (in 256 KiB arrays, as the scenarios' requests hold bytes), ten times, after a
 * little garbage each time. Objects with many references would mark more slowly than arrays.
 *
 * <pre>
 * java -Xmx256m -Xms256m -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.ConfirmPause 0.5
 * </pre>
 */
public final class ConfirmPause {

  private static volatile Object sink;

  private ConfirmPause() {}

  public static void main(String[] args) {
    double share = args.length > 0 ? Double.parseDouble(args[0]) : 0.5;
    long max = Runtime.getRuntime().maxMemory();
    List<byte[]> held = new ArrayList<>();
    for (long b = 0; b < max * share; b += 256 * 1024) {
      held.add(new byte[256 * 1024]);
    }
    sink = held;
    long[] pauses = new long[10];
    for (int i = 0; i < pauses.length; i++) {
      for (int j = 0; j < 2000; j++) {
        sink = new byte[16 * 1024];
      }
      sink = held;
      long start = System.nanoTime();
      System.gc();
      pauses[i] = System.nanoTime() - start;
    }
    Arrays.sort(pauses);
    System.out.printf(
        "%.2f of a %d MiB heap live: System.gc() median %.1f ms, max %.1f ms%n",
        share, max >> 20, pauses[pauses.length / 2] / 1e6, pauses[pauses.length - 1] / 1e6);
  }
}
