package dev.membreaker.contenders;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * The highest heap use seen just before a collection: the tops of the sawtooth, which a reading
 * every 100 ms mostly misses. Read and reset by each sample line.
 */
final class HeapPeak {

  private final AtomicLong peakBytes = new AtomicLong();
  private final long max = Runtime.getRuntime().maxMemory();

  static HeapPeak install() {
    HeapPeak peak = new HeapPeak();
    java.util.Set<String> heapPools = new java.util.HashSet<>();
    for (java.lang.management.MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == java.lang.management.MemoryType.HEAP) {
        heapPools.add(pool.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        ((NotificationEmitter) gc)
            .addNotificationListener(
                (notification, handback) -> {
                  if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                      notification.getType())) {
                    GarbageCollectionNotificationInfo info =
                        GarbageCollectionNotificationInfo.from(
                            (CompositeData) notification.getUserData());
                    long before = 0;
                    for (java.util.Map.Entry<String, MemoryUsage> e :
                        info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                      if (heapPools.contains(e.getKey())) {
                        before += e.getValue().getUsed();
                      }
                    }
                    long b = before;
                    peak.peakBytes.accumulateAndGet(b, Math::max);
                  }
                },
                null,
                null);
      }
    }
    return peak;
  }

  /** The peak since the last call as a fraction of the heap's maximum. */
  double takeFraction() {
    return Math.min(1.0, (double) peakBytes.getAndSet(0) / max);
  }
}
