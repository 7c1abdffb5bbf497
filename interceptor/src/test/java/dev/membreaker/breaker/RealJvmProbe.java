package dev.membreaker.breaker;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.membreaker.policy.Priority;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The child JVM of {@link RealJvmBreakerTest}: a breaker with the default config on this JVM's own
 * memory, under a garbage-heavy load or a retained surge. Prints one RESULT line.
 *
 * <p>Raw heap used is measured where it peaks: just before each collection, from the GC
 * notifications, so "raw used above 90 %" counts real peaks and not what a poll happened to see.
 */
public final class RealJvmProbe {

  static volatile Object sink;

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long millis = Long.parseLong(args[1]);
    long max = Runtime.getRuntime().maxMemory();
    AtomicInteger gcs = new AtomicInteger();
    AtomicInteger gcsAbove90 = new AtomicInteger();
    double[] peakBefore = new double[1];
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc)
          .addNotificationListener(
              (n, h) -> {
                if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                    n.getType())) {
                  return;
                }
                GarbageCollectionNotificationInfo info =
                    GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                long before = 0;
                for (Map.Entry<String, MemoryUsage> e :
                    info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                  if (!e.getKey().contains("Metaspace")
                      && !e.getKey().contains("Code")
                      && !e.getKey().contains("Class")
                      && !e.getKey().contains("nmethods")) {
                    before += e.getValue().getUsed();
                  }
                }
                double share = (double) before / max;
                synchronized (peakBefore) {
                  peakBefore[0] = Math.max(peakBefore[0], share);
                }
                gcs.incrementAndGet();
                if (share >= 0.90) {
                  gcsAbove90.incrementAndGet();
                }
              },
              null,
              null);
    }

    MemoryBreaker breaker = MemoryBreaker.builder().build();
    breaker.start();
    double[] maxLive = new double[1];
    double[] minLiveLate = {1};
    double[] maxAnchor = new double[1];
    double[] maxUpper = new double[1];
    long lateFrom = System.nanoTime() + 2_000_000_000L;
    Thread watcher =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                double live =
                    breaker.status().signal(dev.membreaker.memory.Dimension.HEAP_LIVE).pressure();
                dev.membreaker.memory.LiveSetEvidence ev = breaker.status().liveSet();
                synchronized (maxLive) {
                  maxLive[0] = Math.max(maxLive[0], live);
                  if (ev != null && ev.anchorEpoch() > 0) {
                    maxAnchor[0] = Math.max(maxAnchor[0], (double) ev.anchor() / max);
                  }
                  if (ev != null) {
                    maxUpper[0] = Math.max(maxUpper[0], (double) ev.upper() / max);
                  }
                  if (System.nanoTime() > lateFrom) {
                    minLiveLate[0] = Math.min(minLiveLate[0], live);
                  }
                }
                try {
                  Thread.sleep(
                      5); // polling cadence of a measurement thread, not a wait for a condition
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    watcher.setDaemon(true);
    watcher.start();
    if (Boolean.getBoolean("probe.trace")) {
      trace(breaker, max);
    }

    boolean oom = false;
    boolean opened = false;
    double trueLive = -1;
    long retainedBytes = 0;
    long end = System.nanoTime() + millis * 1_000_000L;
    try {
      if (mode.equals("base")) {
        // A share of the heap held throughout, and short-lived garbage beside it.
        Object kept = base(end, max, Double.parseDouble(args[2]));
        System.gc();
        System.gc();
        trueLive =
            (double) ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / max;
        sink = kept;
      } else if (mode.equals("garbage") || mode.equals("promoted")) {
        // Run at least the given time, and on until five collections began at 90 % of the heap or
        // more (the premise the test checks), at most three times as long: on a busy machine the
        // load allocates more slowly and needs longer to fill the heap that often.
        long cap = end + 2 * millis * 1_000_000L;
        Object kept =
            garbage(
                () -> System.nanoTime() < end || (gcsAbove90.get() < 5 && System.nanoTime() < cap),
                max,
                mode.equals("promoted"));
        // The load's true live set: what two full collections leave while it is still referenced.
        System.gc();
        System.gc();
        trueLive =
            (double) ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / max;
        sink = kept;
      } else {
        List<byte[]> retained = new ArrayList<>();
        long pace = Long.parseLong(args[2]); // bytes per second
        // Humongous: 1.5 MB chunks (G1 takes half a 1 MiB region or more straight into the old
        // generation) and nothing else allocated, so no collection comes by itself.
        boolean humongous = mode.equals("humongous-surge");
        int chunk = humongous ? 1_500_000 : 256 * 1024;
        long start = System.nanoTime();
        while (System.nanoTime() < end) {
          if (breaker.status().state() == BreakerState.OPEN) {
            opened = true;
            break;
          }
          long due = (long) ((double) retainedBytes / pace * 1e9);
          if (System.nanoTime() - start < due) {
            Thread.onSpinWait();
            if (!humongous) {
              sink = new byte[64]; // a little request garbage on the side
            }
            continue;
          }
          retained.add(new byte[chunk]);
          retainedBytes += chunk;
          if (breaker.decide(Priority.CRITICAL) == null) {
            throw new AssertionError();
          }
        }
        sink = retained;
      }
    } catch (OutOfMemoryError e) {
      oom = true;
      sink = null;
    }
    watcher.interrupt();
    breaker.close();
    List<TransitionEvent> transitions = breaker.recentTransitions();
    double liveAtOpen = -1;
    for (TransitionEvent e : transitions) {
      if (e.to() == BreakerState.OPEN && liveAtOpen < 0) {
        liveAtOpen =
            e.signals().stream()
                .filter(s -> s.dimension() == dev.membreaker.memory.Dimension.HEAP_LIVE)
                .findFirst()
                .map(s -> s.pressure())
                .orElse(-1.0);
      }
    }
    StringBuilder names = new StringBuilder();
    for (TransitionEvent e : transitions) {
      names
          .append(names.length() == 0 ? "" : ",")
          .append(e.from())
          .append(">")
          .append(e.to())
          .append(":")
          .append(e.cause());
    }
    System.out.printf(
        "RESULT mode=%s oom=%s opened=%s transitions=%d gcs=%d gcsAbove90=%d peakRawBeforeGc=%.3f"
            + " trueLive=%.3f maxLive=%.3f maxAnchor=%.3f maxUpper=%.3f minLiveLate=%.3f"
            + " liveAtOpen=%.3f retainedMiB=%d confirmations=%d collector=%s path=%s%n",
        mode,
        oom,
        opened,
        transitions.size(),
        gcs.get(),
        gcsAbove90.get(),
        peakBefore[0],
        trueLive,
        maxLive[0],
        maxAnchor[0],
        maxUpper[0],
        minLiveLate[0],
        liveAtOpen,
        retainedBytes >> 20,
        confirmations(breaker),
        collector(),
        names.length() == 0 ? "-" : names);
    System.out.flush();
  }

  /**
   * With {@code -Dprobe.trace=true}, a line every 100 ms with the state and the evidence, for
   * reading what the breaker saw when a case fails.
   */
  private static void trace(MemoryBreaker breaker, long max) {
    long start = System.nanoTime();
    Thread tracer =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                BreakerStatus s = breaker.status();
                dev.membreaker.memory.LiveSetEvidence ev = s.liveSet();
                dev.membreaker.signal.SignalReading live =
                    s.signal(dev.membreaker.memory.Dimension.HEAP_LIVE);
                System.out.printf(
                    "TRACE %6.2f %-9s live=%.3f smoothed=%.3f upper=%.3f anchor=%.3f anchors=%d"
                        + " dead=%.2f confirmations=%d%n",
                    (System.nanoTime() - start) / 1e9,
                    s.state(),
                    live.pressure(),
                    live.smoothedPressure(),
                    ev == null ? -1 : (double) ev.upper() / max,
                    ev == null ? -1 : (double) ev.anchor() / max,
                    ev == null ? -1 : ev.anchorEpoch(),
                    ev == null ? -1 : ev.deadShare(),
                    ev == null ? -1 : ev.confirmations());
                try {
                  Thread.sleep(100); // trace cadence
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    tracer.setDaemon(true);
    tracer.start();
  }

  private static long confirmations(MemoryBreaker breaker) {
    return breaker.status().liveSet() == null ? -1 : breaker.status().liveSet().confirmations();
  }

  private static String collector() {
    return dev.membreaker.memory.Collector.detect(ManagementFactory.getGarbageCollectorMXBeans())
        .name();
  }

  /** {@code share} of the heap held throughout, and short-lived garbage beside it. */
  private static Object base(long end, long max, double share) {
    List<byte[]> held = new ArrayList<>();
    for (long b = 0; b < max * share; b += 64 * 1024) {
      held.add(new byte[64 * 1024]);
    }
    while (System.nanoTime() < end) {
      sink = new byte[16 * 1024];
    }
    return held;
  }

  /**
   * A garbage-heavy load: a long-lived base of ~8 % of the heap, then a stream of short-lived
   * arrays with a short rolling window of recent ones kept alive, as a server keeps the requests in
   * flight. Some arrays are large: dropped at once ("garbage"; on G1 they are humongous, land
   * straight in old regions and push raw used to the top of the heap before a collection reclaims
   * them), or kept in flight a while ("promoted"; they survive a young collection and fill the old
   * generation with garbage until a full one).
   */
  private static Object garbage(
      java.util.function.BooleanSupplier running, long max, boolean keepLargeInFlight) {
    List<byte[]> base = new ArrayList<>();
    for (long b = 0; b < max * 8 / 100; b += 64 * 1024) {
      base.add(new byte[64 * 1024]);
    }
    byte[][] inFlight = new byte[3][];
    java.util.Random random = new java.util.Random(1);
    int i = 0;
    while (running.getAsBoolean()) {
      if (random.nextInt(10) == 0 && !keepLargeInFlight) {
        sink = new byte[1_500_000]; // a large buffer, dropped as soon as the next one comes
      } else if (random.nextInt(10) == 0) {
        inFlight[i++ % inFlight.length] = new byte[1_500_000]; // in flight for a while: promoted
      } else {
        inFlight[i++ % inFlight.length] = new byte[1024 + random.nextInt(64 * 1024)];
      }
    }
    return new Object[] {base, inFlight};
  }
}
