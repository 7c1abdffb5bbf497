package dev.membreaker.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.SamplerHealth;
import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemorySources;
import dev.membreaker.time.Ticker;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Reaction time in a real JVM: from the GC notification that shows the live set above the open
 * watermark to the published OPEN, and to the first published sample that graded it. Each round
 * starts a fresh breaker on the JVM's own sources (so it is calm, polling slowly), retains half the
 * heap, and calls {@code System.gc()}; a notification listener registered before every breaker's
 * stamps the notification's arrival, and the main thread reads {@code status()} every 20 µs to
 * stamp the publication (a busy spin would take one of a small machine's cores from the sampler).
 * Smoothing is off ({@code ewma_alpha 1}) so that one notification can open: with smoothing,
 * opening takes several samples by design, which the state table tests cover.
 *
 * <pre>
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.ReactionTime 200
 * </pre>
 */
public final class ReactionTime {

  private static final double OPEN = 0.40;
  private static volatile long notifiedAt;
  private static volatile boolean armed;
  private static byte[] retained;

  private ReactionTime() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    long max = Runtime.getRuntime().maxMemory();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, h) -> {
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long live = 0;
                for (Map.Entry<String, MemoryUsage> e :
                    info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
                  if (!e.getKey().contains("Eden") && isHeap(e.getKey())) {
                    live += e.getValue().getUsed();
                  }
                }
                if (armed && notifiedAt == 0 && (double) live / max >= OPEN) {
                  notifiedAt = System.nanoTime();
                }
              },
              null,
              null);
    }
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .warning(0.30)
            .degraded(0.35)
            .open(OPEN)
            .recover(0.25)
            .criticalCap(0.99)
            .occupancyFloor(1.0)
            .exhaustionWarningHorizon(Duration.ZERO)
            .exhaustionOpenHorizon(Duration.ZERO)
            .build();
    long[] toGraded = new long[rounds];
    long[] toOpen = new long[rounds];
    long calmRounds = 0;
    for (int r = 0; r < rounds; r++) {
      System.gc();
      try (MemoryBreaker breaker =
          MemoryBreaker.builder()
              .config(config)
              .sources(MemorySources.jvm(Ticker.system(), config.cgroupReadInterval()))
              .build()
              .start()) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (breaker.status().samplerHealth() != SamplerHealth.RUNNING
            && System.nanoTime() < deadline) {
          Thread.onSpinWait();
        }
        long epochBefore = breaker.status().signal(Dimension.HEAP_LIVE).epoch();
        if (breaker.status().state() == BreakerState.HEALTHY
            && breaker.status().signal(Dimension.HEAP_LIVE).pressure() < 0.20) {
          calmRounds++;
        }
        notifiedAt = 0;
        armed = true;
        retained = new byte[(int) (max / 2)];
        System.gc();
        long graded = 0;
        long opened = 0;
        while ((graded == 0 || opened == 0) && System.nanoTime() < deadline) {
          var s = breaker.status();
          long now = System.nanoTime();
          if (graded == 0
              && s.signal(Dimension.HEAP_LIVE).epoch() > epochBefore
              && s.signal(Dimension.HEAP_LIVE).pressure() >= OPEN) {
            graded = now;
          }
          if (opened == 0 && s.state() == BreakerState.OPEN) {
            opened = now;
          }
          LockSupport.parkNanos(20_000); // looks every 20 µs, leaving the CPU to the sampler
        }
        armed = false;
        if (notifiedAt == 0 || graded == 0 || opened == 0) {
          throw new IllegalStateException(
              "round " + r + ": no notification, grading or OPEN within 10 s");
        }
        toGraded[r] = graded - notifiedAt;
        toOpen[r] = opened - notifiedAt;
        retained = null;
      }
    }
    System.out.printf(
        "%d rounds on %s, -Xmx%dm, %d began calm%n", rounds, collectors(), max >> 20, calmRounds);
    print("notification -> graded sample published", toGraded);
    print("notification -> OPEN published", toOpen);
  }

  private static boolean isHeap(String pool) {
    for (var p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getName().equals(pool)) {
        return p.getType() == java.lang.management.MemoryType.HEAP;
      }
    }
    return false;
  }

  private static String collectors() {
    StringBuilder b = new StringBuilder();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      b.append(b.length() == 0 ? "" : " + ").append(gc.getName());
    }
    return b.toString();
  }

  private static void print(String what, long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%-42s p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.3f ms%n",
        what,
        at(sorted, 0.50),
        at(sorted, 0.90),
        at(sorted, 0.99),
        sorted[sorted.length - 1] / 1e6);
  }

  private static double at(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
