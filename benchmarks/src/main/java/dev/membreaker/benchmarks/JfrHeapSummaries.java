package dev.membreaker.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import jdk.jfr.consumer.RecordingStream;

/**
 * What JFR streams on this JVM about the heap after each collection, set beside the old
 * generation's figure: is there live-set evidence in it that the JMX notifications do not give?
 * Builds a live set of small objects ({@code args[0]} MiB), then allocates 64 KiB garbage for
 * {@code args[1]} seconds, calling {@code System.gc()} every 20,000 allocations when a third
 * argument is given. Prints every {@code jdk.GarbageCollection}, {@code jdk.GCPhasePause} and
 * {@code jdk.GCHeapSummary} event as it arrives (seconds since the stream started), the heap's used
 * share in each summary, and the old generation's share after young collections. See
 * docs/breaker.md, "Evidence that costs less than a full collection".
 */
public final class JfrHeapSummaries {

  private static volatile Object sink;

  private JfrHeapSummaries() {}

  public static void main(String[] args) throws Exception {
    long liveMiB = Long.parseLong(args[0]);
    int seconds = Integer.parseInt(args[1]);
    boolean systemGc = args.length > 2;
    double max = Runtime.getRuntime().maxMemory();
    MemoryPoolMXBean old = oldGeneration();
    try (RecordingStream rs = new RecordingStream()) {
      rs.enable("jdk.GarbageCollection");
      rs.enable("jdk.GCHeapSummary");
      rs.enable("jdk.GCPhasePause");
      rs.setMaxAge(Duration.ofSeconds(10));
      long t0 = System.nanoTime();
      rs.onEvent(
          "jdk.GarbageCollection",
          e ->
              System.out.printf(
                  Locale.ROOT,
                  "%7.3f GC %d %s (%s), pauses %.1f ms, delivered %d ms after it ended;"
                      + " old generation at delivery %s%n",
                  (System.nanoTime() - t0) / 1e9,
                  e.getInt("gcId"),
                  e.getString("name"),
                  e.getString("cause"),
                  e.getDuration("sumOfPauses").toNanos() / 1e6,
                  Duration.between(e.getEndTime(), Instant.now()).toMillis(),
                  old == null
                      ? "?"
                      : String.format(Locale.ROOT, "%.3f", old.getUsage().getUsed() / max)));
      rs.onEvent(
          "jdk.GCPhasePause",
          e ->
              System.out.printf(
                  Locale.ROOT,
                  "%7.3f   pause %d %s %.1f ms%n",
                  (System.nanoTime() - t0) / 1e9,
                  e.getInt("gcId"),
                  e.getString("name"),
                  e.getDuration().toNanos() / 1e6));
      rs.onEvent(
          "jdk.GCHeapSummary",
          e ->
              System.out.printf(
                  Locale.ROOT,
                  "%7.3f   heap summary %d %s: used %.3f of the heap%n",
                  (System.nanoTime() - t0) / 1e9,
                  e.getInt("gcId"),
                  e.getString("when"),
                  e.getLong("heapUsed") / max));
      rs.startAsync();
      List<Object[]> live = new ArrayList<>();
      for (long b = 0; b < liveMiB << 20; b += 36 << 10) { // about 36 KiB a chunk
        Object[] chunk = new Object[1024];
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = new long[2];
        }
        live.add(chunk);
      }
      System.out.println("live set built: " + live.size() + " chunks of 1024 small arrays");
      long end = System.nanoTime() + seconds * 1_000_000_000L;
      for (int n = 1; System.nanoTime() < end; n++) {
        sink = new byte[64 << 10];
        if (systemGc && n % 20_000 == 0) {
          System.out.println("System.gc()");
          System.gc();
        }
      }
      Thread.sleep(2000); // the last batch of events
      System.out.println("live set still held: " + live.size());
    }
  }

  private static MemoryPoolMXBean oldGeneration() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (pool.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
        return pool;
      }
    }
    return null;
  }
}
