package dev.membreaker.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap's live set: for each heap pool, its occupancy right after the most recent collection
 * <em>that collected that pool</em>, summed.
 *
 * <p>Why per pool and per collector: after a young collection the old generation still holds the
 * garbage that was promoted into it, and only a collection that manages the old pool (a full
 * collection with Parallel or Serial, a young or mixed one with G1) tells how much of it is live.
 * Counting the old generation's after-young-GC figure would make promoted garbage look like a
 * growing live set and trip the breaker on healthy traffic, which is exactly the sawtooth the
 * breaker must ignore. So a notification from collector C updates only the pools that
 * {@link GarbageCollectorMXBean#getMemoryPoolNames() C manages}. Until a pool has been collected,
 * its {@link MemoryPoolMXBean#getCollectionUsage()} is the fallback; where the JVM offers no GC
 * notifications at all, every read uses that fallback.
 *
 * <p>Eden is not counted: see {@link #isEden}.
 *
 * <p>Notifications arrive on a JMX thread; they update a small synchronized table and call the
 * change callback so the sampler evaluates at once. {@link #read()} runs on the sampler thread.
 */
final class HeapLiveSetSource implements MemorySource, NotificationListener {

  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
  private final Set<String> heapPoolNames = new HashSet<>();
  private final Map<String, Set<String>> poolsByCollector = new HashMap<>();
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final List<GarbageCollectorMXBean> collectors;
  private final long maxHeap;

  private final Map<String, Long> afterGcByPool = new HashMap<>(); // guarded by this
  private volatile long liveBytes = -1;
  private volatile long epoch;
  private volatile Runnable callback = () -> {};

  HeapLiveSetSource() {
    this.maxHeap = Runtime.getRuntime().maxMemory();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && !isEden(pool.getName())) {
        heapPools.add(pool);
        heapPoolNames.add(pool.getName());
      }
    }
    this.collectors = ManagementFactory.getGarbageCollectorMXBeans();
    for (GarbageCollectorMXBean gc : collectors) {
      poolsByCollector.put(gc.getName(), Set.of(gc.getMemoryPoolNames()));
      if (gc instanceof NotificationEmitter) {
        NotificationEmitter emitter = (NotificationEmitter) gc;
        emitter.addNotificationListener(this, null, null);
        emitters.add(emitter);
      }
    }
  }

  /**
   * Eden is empty after every successful young collection; it holds objects after one only when a
   * scavenge failed to promote (Parallel, Serial), just before the full collection that follows.
   * Counting it then would report a live set that was never live, so eden is left out.
   */
  static boolean isEden(String poolName) {
    return poolName.contains("Eden");
  }

  @Override
  public Dimension dimension() {
    return Dimension.HEAP_LIVE;
  }

  @Override
  public void onChange(Runnable callback) {
    this.callback = callback;
  }

  @Override
  public MemoryReading read() {
    long live = liveBytes;
    if (live >= 0) {
      return new MemoryReading(live, maxHeap, epoch);
    }
    // No notification yet: the pools' own after-collection figures. Until the first collection
    // they cannot change, so with notifications on they are read once; without, at every read.
    MemoryReading fallback = fallback();
    if (!emitters.isEmpty()) {
      synchronized (this) {
        if (liveBytes < 0) {
          epoch = fallback.epoch();
          liveBytes = fallback.used();
        }
      }
    }
    return fallback;
  }

  private MemoryReading fallback() {
    long sum = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage usage = pool.getCollectionUsage();
      if (usage != null) {
        sum += usage.getUsed();
      }
    }
    return new MemoryReading(sum, maxHeap, collections());
  }

  /** Collections so far, over all collectors: the epoch, the same in both modes. */
  private long collections() {
    long count = 0;
    for (GarbageCollectorMXBean gc : collectors) {
      count += Math.max(0, gc.getCollectionCount());
    }
    return count;
  }

  @Override
  public void handleNotification(Notification notification, Object handback) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
        notification.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
    Set<String> managed = poolsByCollector.getOrDefault(info.getGcName(), heapPoolNames);
    Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
    synchronized (this) {
      if (afterGcByPool.isEmpty()) {
        for (MemoryPoolMXBean pool : heapPools) {
          MemoryUsage usage = pool.getCollectionUsage();
          afterGcByPool.put(pool.getName(), usage == null ? 0L : usage.getUsed());
        }
      }
      for (Map.Entry<String, MemoryUsage> e : after.entrySet()) {
        if (heapPoolNames.contains(e.getKey()) && managed.contains(e.getKey())) {
          afterGcByPool.put(e.getKey(), e.getValue().getUsed());
        }
      }
      long sum = 0;
      for (long v : afterGcByPool.values()) {
        sum += v;
      }
      epoch = Math.max(epoch + 1, collections());
      liveBytes = sum;
    }
    callback.run();
  }

  @Override
  public void close() {
    for (NotificationEmitter emitter : emitters) {
      try {
        emitter.removeNotificationListener(this);
      } catch (ListenerNotFoundException ignored) {
        // already gone
      }
    }
  }
}
