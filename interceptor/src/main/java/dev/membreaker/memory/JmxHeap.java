package dev.membreaker.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap's pools, collectors and flags as JMX shows them, read into the figures {@link
 * LiveSetEstimator} takes. Eden is kept apart: it is empty after every successful young collection
 * and holds objects after one only when a scavenge failed to promote (Parallel, Serial), just
 * before the full collection that follows; counted then, it would report a live set that was never
 * live. Immutable after construction; its reads are JMX's own and safe from any thread.
 */
final class JmxHeap {

  /**
   * One collection's notification, read.
   *
   * @param seen what it left, for the estimator
   * @param pauseNanos how long it took
   * @param full whether it was a full collection ("end of major GC")
   * @param natural whether the collector ran it by itself (not {@code System.gc()}, not a
   *     concurrent cycle): how long the collector itself stops the application
   */
  record Notice(LiveSetEstimator.Seen seen, long pauseNanos, boolean full, boolean natural) {}

  private final List<MemoryPoolMXBean> kept = new ArrayList<>(); // old and survivors
  private final List<String> eden = new ArrayList<>();
  private final MemoryPoolMXBean old; // null when the heap has no pool of its own for it
  private final List<GarbageCollectorMXBean> collectors;
  private final Collector collector;
  private final long upperLimit;

  JmxHeap(long maxHeap) {
    this.collectors = ManagementFactory.getGarbageCollectorMXBeans();
    this.collector = Collector.detect(collectors);
    MemoryPoolMXBean oldPool = null;
    long limit = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() != MemoryType.HEAP) {
        continue;
      }
      if (isEden(pool.getName())) {
        eden.add(pool.getName());
        continue;
      }
      kept.add(pool);
      long poolMax = pool.getUsage() == null ? -1 : pool.getUsage().getMax();
      limit = limit < 0 || poolMax < 0 ? -1 : limit + poolMax;
      if (pool.getName().contains("Old Gen") || pool.getName().contains("Tenured")) {
        oldPool = pool;
      }
    }
    this.old = oldPool;
    this.upperLimit = limit <= 0 ? maxHeap : Math.min(maxHeap, limit);
  }

  private static boolean isEden(String poolName) {
    return poolName.contains("Eden");
  }

  Collector collector() {
    return collector;
  }

  /** Whether {@code System.gc()} does nothing here ({@code -XX:+DisableExplicitGC}). */
  boolean explicitGcDisabled() {
    return vmFlag("DisableExplicitGC");
  }

  /**
   * Whether {@code System.gc()} runs concurrently, stopping the application only for moments: ZGC,
   * Shenandoah, and G1 with {@code -XX:+ExplicitGCInvokesConcurrent}. The flag changes it only on
   * G1 (and the CMS of older JDKs): with Parallel and Serial it is still a full collection that
   * stops the world, and is budgeted as one.
   */
  boolean explicitGcConcurrent() {
    return collector == Collector.ZGC
        || collector == Collector.SHENANDOAH
        || (collector == Collector.G1 && vmFlag("ExplicitGCInvokesConcurrent"));
  }

  /** Whether a HotSpot flag is on; false where there is no such flag. */
  private static boolean vmFlag(String name) {
    try {
      return Boolean.parseBoolean(
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption(name)
              .getValue());
    } catch (RuntimeException e) {
      return false; // not HotSpot, or no such flag
    }
  }

  /** Sends every collector's notifications to {@code listener}. */
  void listen(NotificationListener listener) {
    for (GarbageCollectorMXBean gc : collectors) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener, null, null);
      }
    }
  }

  /** Stops sending them. */
  void stopListening(NotificationListener listener) {
    for (GarbageCollectorMXBean gc : collectors) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(listener);
        } catch (ListenerNotFoundException ignored) {
          // already gone
        }
      }
    }
  }

  /** The most the old and survivor spaces can hold ({@link LiveSetEvidence#upperLimit()}). */
  long upperLimit() {
    return upperLimit;
  }

  /** What the old pool holds now, or -1 when there is no old pool of its own. */
  long oldNow() {
    return old == null ? -1 : old.getUsage().getUsed();
  }

  /** The larger of the old and survivor pools' usage after their last collection and now. */
  long oldAndSurvivorsNow() {
    return Math.max(sum(MemoryPoolMXBean::getCollectionUsage), sum(MemoryPoolMXBean::getUsage));
  }

  /** Collections so far, over all collectors. */
  long collections() {
    long count = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      count += Math.max(0, gc.getCollectionCount());
    }
    return count;
  }

  /**
   * A collection's notification, read; null for any other notification and for ZGC's and
   * Shenandoah's pauses, which carry no usage at all. Anchors ({@code marked}): a full collection
   * (any "end of major GC", a confirming one included) and a ZGC or Shenandoah cycle.
   */
  Notice notice(Notification notification) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      return null;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    String name = info.getGcName();
    if (Collector.isPauseOnly(name)) {
      return null;
    }
    boolean full = "end of major GC".equals(info.getGcAction());
    boolean marked =
        full
            || name.equals("ZGC Cycles")
            || name.equals("ZGC Major Cycles")
            || name.equals("Shenandoah Cycles");
    return new Notice(
        seen(info.getGcInfo().getMemoryUsageAfterGc(), marked),
        info.getGcInfo().getDuration() * 1_000_000L,
        full,
        !"System.gc()".equals(info.getGcCause()) && !name.endsWith("Cycles"));
  }

  /** One collection's figures, from its notification's usage after it. */
  private LiveSetEstimator.Seen seen(Map<String, MemoryUsage> after, boolean marked) {
    long kept = 0;
    for (MemoryPoolMXBean pool : this.kept) {
      MemoryUsage usage = after.get(pool.getName());
      if (usage != null) {
        kept += usage.getUsed();
      }
    }
    MemoryUsage oldAfter = old == null ? null : after.get(old.getName());
    long survivors = oldAfter == null ? 0 : Math.max(0, kept - oldAfter.getUsed());
    long live = kept;
    if (marked) {
      // What a full collection leaves in eden is live too: with Parallel and Serial, what the old
      // generation cannot take stays there. Left out, a heap whose old generation is full would
      // read as 0.7 live while it is about to throw OutOfMemoryError.
      for (String name : eden) {
        MemoryUsage usage = after.get(name);
        if (usage != null) {
          live += usage.getUsed();
        }
      }
    }
    return new LiveSetEstimator.Seen(
        live, oldAfter == null ? -1 : oldAfter.getUsed(), survivors, marked);
  }

  private long sum(Function<MemoryPoolMXBean, MemoryUsage> figure) {
    long sum = 0;
    for (MemoryPoolMXBean pool : kept) {
      MemoryUsage usage = figure.apply(pool);
      if (usage != null) {
        sum += usage.getUsed();
      }
    }
    return sum;
  }
}
