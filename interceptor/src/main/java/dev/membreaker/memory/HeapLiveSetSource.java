package dev.membreaker.memory;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import dev.membreaker.memory.ConfirmationPacer.Pacing;
import dev.membreaker.time.Ticker;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The heap's live set, estimated from two numbers, as {@link LiveSetEvidence} explains: an upper
 * bound U (old and survivor occupancy after every collection) and an anchor A (old occupancy after
 * a collection that marked the old generation). The estimate is {@code A + (1 − g) × (U − A)}, with
 * g the share of promoted bytes that recent anchors found dead.
 *
 * <p>Why two numbers. After a young collection the old generation still holds the garbage that was
 * promoted into it, and only a marking collection tells how much of it is live. Objects living
 * about a second are promoted and die there: read as live, they look like a growing live set and
 * trip the breaker on healthy traffic (G1's after-young-GC figure rose to 0.63 of the heap while
 * 0.2 was live). Read as dead, a real surge would be missed until the next marking. Neither number
 * alone is right; the anchor says what is known, the upper bound what is possible, and g, learned
 * from the anchors, how much of the difference usually survives.
 *
 * <p>Anchors, per collector: a full collection (any "end of major GC", a confirming one included)
 * and a ZGC or Shenandoah <em>cycle</em>. Their <em>pause</em> notifications carry no usage at all
 * and are ignored. G1's mixed collections and its Remark (seen as a drop of the old generation's
 * usage with no notification) lower the upper bound but are not anchors: what they leave still
 * holds garbage. With Parallel and Serial the upper bound includes the old generation after young
 * collections (which only grows between full ones), so it is not stale between full collections.
 *
 * <p>Confirming collections ({@link #requestConfirmation}), refreshes ({@link #refresh}, asked for
 * while the breaker sheds so that it recovers when memory does) and urgent confirmations ({@link
 * #urgentConfirmation}, asked for when the estimate projects the heap full and only a measurement
 * can say whether that is garbage) run {@code System.gc()} on a thread of their own, one at a time,
 * when {@link ConfirmationPacer} allows: their spacings, their back-off and the {@link
 * PauseBudget}. One that can never fit the budget (a large heap of small objects) is not offered at
 * all: the evidence says no confirmation can be had, and the breaker acts as under {@code
 * -XX:+DisableExplicitGC}. Under {@code -XX:+ExplicitGCInvokesConcurrent} (G1) a confirmation
 * starts a concurrent cycle, whose Remark drop (when no young collection comes between two polls)
 * or mixed collections lower the upper bound. What the old generation holds when {@code
 * System.gc()} returns is no verdict: it counts every humongous buffer allocated during the marking
 * as live (a 64 MiB heap of garbage read 0.84).
 *
 * <p>Notifications arrive on a JMX thread; they update a small synchronized state and call the
 * change callback. {@link #read()} runs on the sampler thread; {@link #evidence()} on any.
 */
final class HeapLiveSetSource implements LiveSetSource, NotificationListener {

  private static final System.Logger LOG = System.getLogger(HeapLiveSetSource.class.getName());

  private final Ticker ticker;
  private final Collector collector;
  private final List<MemoryPoolMXBean> heapPools = new ArrayList<>();
  private final MemoryPoolMXBean oldPool; // null when the heap has no pool of its own for it
  private final List<NotificationEmitter> emitters = new ArrayList<>();
  private final List<GarbageCollectorMXBean> collectors;
  private final long maxHeap;
  private final long upperLimit;
  private final List<String> edenPools = new ArrayList<>();
  private final boolean explicitGcConcurrent;

  @GuardedBy("this")
  private final DeadShare deadShare;

  @GuardedBy("this")
  private final ConfirmationPacer pacer;

  @GuardedBy("this")
  private long upper = -1;

  @GuardedBy("this")
  private long anchor;

  @GuardedBy("this")
  private long anchorEpoch;

  @GuardedBy("this")
  private long measuredEpoch;

  @GuardedBy("this")
  private long notifications;

  @GuardedBy("this")
  private long notificationsAtLastPoll = -1;

  @GuardedBy("this")
  private long oldAtLastPoll = -1;

  @GuardedBy("this")
  private long survivorsAfterCollection; // heap pools other than eden and old, after the latest one

  @GuardedBy("this")
  private long oldAfterCollection = -1; // the old pool after the latest collection (or Remark)

  @GuardedBy("this")
  private long unseen; // old bytes allocated since then, straight into it

  @GuardedBy("this")
  private String confirmationReason = "";

  @GuardedBy("this")
  private double upperBeforeConfirmation;

  @GuardedBy("this")
  private long unseenBeforeConfirmation;

  private volatile long epoch;
  private volatile Runnable callback = () -> {};

  HeapLiveSetSource(Ticker ticker) {
    this.ticker = ticker;
    this.maxHeap = Runtime.getRuntime().maxMemory();
    this.deadShare = new DeadShare(maxHeap);
    this.collectors = ManagementFactory.getGarbageCollectorMXBeans();
    this.collector = Collector.detect(collectors);
    MemoryPoolMXBean old = null;
    long limit = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && isEden(pool.getName())) {
        edenPools.add(pool.getName());
      } else if (pool.getType() == MemoryType.HEAP) {
        heapPools.add(pool);
        long poolMax = pool.getUsage() == null ? -1 : pool.getUsage().getMax();
        limit = limit < 0 || poolMax < 0 ? -1 : limit + poolMax;
        if (isOld(pool.getName())) {
          old = pool;
        }
      }
    }
    this.oldPool = old;
    this.upperLimit = limit <= 0 ? maxHeap : Math.min(maxHeap, limit);
    boolean explicitGcDisabled = vmFlag("DisableExplicitGC");
    // The flag changes System.gc() only on G1 (and the CMS of older JDKs): with Parallel and
    // Serial it is still a full collection that stops the world, and is budgeted as one.
    this.explicitGcConcurrent =
        collector == Collector.ZGC
            || collector == Collector.SHENANDOAH
            || (collector == Collector.G1 && vmFlag("ExplicitGCInvokesConcurrent"));
    this.pacer = new ConfirmationPacer(explicitGcDisabled, explicitGcConcurrent, maxHeap);
    for (GarbageCollectorMXBean gc : collectors) {
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

  private static boolean isOld(String poolName) {
    return poolName.contains("Old Gen") || poolName.contains("Tenured");
  }

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
    pollOldGeneration();
    synchronized (this) {
      if (upper < 0) {
        // No collection seen yet: the pools' own figures. Their after-collection usage alone can
        // be stale (G1 updates the old generation's only at mixed and full collections), and a
        // breaker started on a server whose cache is already in the old generation read 0.16
        // where 0.8 was held, so the first young collection looked like a surge: what the old and
        // survivor spaces hold now is the upper bound.
        upper =
            Math.max(
                pooled(MemoryPoolMXBean::getCollectionUsage), pooled(MemoryPoolMXBean::getUsage));
        anchor = upper;
      }
      return new MemoryReading(estimate(), maxHeap, Math.max(epoch, collections()));
    }
  }

  /** The estimate, under the lock. */
  @GuardedBy("this")
  private long estimate() {
    if (anchorEpoch == 0) {
      return upper;
    }
    double g = Math.max(0, deadShare.value());
    long unknown = Math.max(0, upper - anchor);
    return anchor + Math.round((1 - g) * unknown);
  }

  /**
   * Reads the old generation between collections, for two things no notification tells.
   *
   * <p>Objects allocated straight into it, {@link LiveSetEvidence#unseen() unseen} by any
   * collection: G1's humongous objects (half a region or more: a 1 MiB request buffer in a heap
   * under 4 GiB) and, with Parallel and Serial, objects too large for the young generation. Like
   * eden's, they are not counted in the upper bound (a young collection reclaims those that died,
   * and that is most), but unlike eden's they do not bring a collection when they fill the heap: a
   * surge of them filled a 256 MiB heap from 0.47 to 0.97 in a second with no collection at all.
   * The breaker measures them when they reach a watermark (an urgent confirmation).
   *
   * <p>G1's Remark frees old regions that hold nothing live and updates the pool's usage without a
   * notification: a drop of the old pool's usage with no notification since the previous read is
   * that, and the new figure is a lower upper bound. Not an anchor: the regions it keeps still hold
   * garbage, as those a mixed collection keeps do, and learning from them would read the garbage
   * left behind as retained.
   */
  private void pollOldGeneration() {
    if (oldPool == null) {
      return;
    }
    long old = oldPool.getUsage().getUsed();
    synchronized (this) {
      if (collector == Collector.G1
          && notifications == notificationsAtLastPoll
          && oldAtLastPoll >= 0
          && old < oldAtLastPoll - maxHeap / 100) {
        long upperBefore = upper;
        upper = Math.min(upper, old + survivorsAfterCollection);
        oldAfterCollection = Math.min(oldAfterCollection, old);
        if (pacer.pending() && explicitGcConcurrent) {
          // Under -XX:+ExplicitGCInvokesConcurrent a confirmation starts a concurrent cycle, which
          // brings no "end of major GC": its Remark is the verdict. An upper figure (the regions
          // it keeps still hold some garbage), so it errs towards shedding, never towards OOM.
          newAnchor(upper, upperBefore);
          epoch++;
        }
      }
      unseen = oldAfterCollection < 0 ? 0 : Math.max(0, old - oldAfterCollection);
      notificationsAtLastPoll = notifications;
      oldAtLastPoll = old;
    }
  }

  /** One figure of the old and survivor pools (eden left out), summed. */
  private long pooled(java.util.function.Function<MemoryPoolMXBean, MemoryUsage> figure) {
    long sum = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage usage = figure.apply(pool);
      if (usage != null) {
        sum += usage.getUsed();
      }
    }
    return sum;
  }

  /** Collections so far, over all collectors. */
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
    if (Collector.isPauseOnly(info.getGcName())) {
      return; // ZGC and Shenandoah pauses: no usage in them at all
    }
    Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
    long afterBytes = 0;
    for (MemoryPoolMXBean pool : heapPools) {
      MemoryUsage usage = after.get(pool.getName());
      if (usage != null) {
        afterBytes += usage.getUsed();
      }
    }
    String name = info.getGcName();
    boolean marked =
        "end of major GC".equals(info.getGcAction())
            || name.equals("ZGC Cycles")
            || name.equals("ZGC Major Cycles")
            || name.equals("Shenandoah Cycles");
    MemoryUsage oldAfter = oldPool == null ? null : after.get(oldPool.getName());
    long survivors = oldAfter == null ? 0 : Math.max(0, afterBytes - oldAfter.getUsed());
    long liveBytes = afterBytes;
    if (marked) {
      // What a full collection leaves in eden is live too: with Parallel and Serial, what the old
      // generation cannot take stays there. Left out, a heap whose old generation is full would
      // read as 0.7 live while it is about to throw OutOfMemoryError.
      for (String eden : edenPools) {
        MemoryUsage usage = after.get(eden);
        if (usage != null) {
          liveBytes += usage.getUsed();
        }
      }
    }
    synchronized (this) {
      long pauseNanos = info.getGcInfo().getDuration() * 1_000_000L;
      if (marked && !explicitGcConcurrent && "end of major GC".equals(info.getGcAction())) {
        // A full collection's pause, whoever asked for it: what the next one will cost.
        pacer.budget().learn(pauseNanos, liveBytes);
      }
      if (!"System.gc()".equals(info.getGcCause()) && !name.endsWith("Cycles")) {
        pacer
            .budget()
            .natural(
                ticker.read(), pauseNanos); // how long the collector itself stops the application
      }
      long upperBefore = upper;
      notifications++;
      upper = liveBytes;
      survivorsAfterCollection = survivors;
      if (oldAfter != null) {
        oldAfterCollection = oldAfter.getUsed();
        unseen = 0;
      }
      if (marked) {
        newAnchor(liveBytes, Math.max(upperBefore, liveBytes));
      } else if (!canConfirm(ticker.read())) {
        measuredEpoch++; // no anchor will be asked for: this collection's figure is the freshest
        // there is
      }
      epoch = Math.max(epoch + 1, collections());
    }
    callback.run();
  }

  /**
   * Takes {@code live} as the new anchor, and lets {@link DeadShare} learn from it how much of what
   * was promoted since the previous one died.
   */
  @GuardedBy("this")
  private void newAnchor(long live, long upperBefore) {
    deadShare.learn(anchor, live, upperBefore, anchorEpoch == 0);
    if (pacer.verdict(anchor, live)) {
      LOG.log(
          System.Logger.Level.INFO,
          String.format(
              "membreaker: confirming collection (%s) found %.3f of the heap live; the upper bound"
                  + " was %.3f%s",
              confirmationReason,
              (double) live / maxHeap,
              upperBeforeConfirmation / maxHeap,
              unseenBeforeConfirmation > maxHeap / 50
                  ? String.format(", with %.3f unseen", (double) unseenBeforeConfirmation / maxHeap)
                  : ""));
    }
    anchor = live;
    anchorEpoch++;
    measuredEpoch++;
  }

  @Override
  public synchronized LiveSetEvidence evidence() {
    long now = ticker.read();
    boolean canConfirm = canConfirm(now);
    return new LiveSetEvidence(
        collector,
        Math.max(0, upper),
        unseen,
        upperLimit,
        anchor,
        anchorEpoch,
        measuredEpoch,
        deadShare.value(),
        pacer.confirmations(),
        pacer.lastPause(),
        canConfirm,
        canConfirm && pacer.available(now, markedBytes()),
        explicitGcConcurrent);
  }

  /**
   * Whether a confirmation can be had at all: explicit collections are not disabled, and one fits
   * the pause budget (or runs concurrently). Under the lock.
   */
  @GuardedBy("this")
  private boolean canConfirm(long now) {
    return pacer.canConfirm(now, markedBytes());
  }

  @Override
  public synchronized void pauseBudget(double share) {
    pacer.budget().share(share);
  }

  /**
   * What a full collection would mark and move now, for predicting its pause: the upper bound, an
   * over-estimate (it holds promoted garbage), so predictions err long. Not the bytes no collection
   * has seen: they are large arrays allocated straight into the old generation (G1's humongous
   * objects), each marked as one object and never moved, so they add next to nothing to the pause.
   * Counted, they made a 256 MiB heap filling with 1 MiB request buffers predict over 100 ms and
   * refused the urgent confirmation that had to measure them: the server died. Under the lock.
   */
  @GuardedBy("this")
  private long markedBytes() {
    return Math.max(0, upper);
  }

  @Override
  public Confirmation requestConfirmation(String reason) {
    return start(reason, Pacing.CONFIRM);
  }

  @Override
  public Confirmation refresh(String reason) {
    return start(reason, Pacing.REFRESH);
  }

  @Override
  public Confirmation urgentConfirmation(String reason) {
    return start(reason, Pacing.URGENT);
  }

  private Confirmation start(String reason, Pacing pacing) {
    long now = ticker.read();
    synchronized (this) {
      Confirmation admitted = pacer.admit(now, pacing, markedBytes());
      if (admitted != Confirmation.STARTED) {
        return admitted;
      }
      confirmationReason = reason;
      upperBeforeConfirmation = Math.max(upper, 0);
      unseenBeforeConfirmation = unseen;
    }
    Thread t = new Thread(this::confirm, "membreaker-confirm-gc");
    t.setDaemon(true);
    t.start();
    return Confirmation.STARTED;
  }

  private void confirm() {
    long start = ticker.read();
    try {
      System.gc();
    } finally {
      long end = ticker.read();
      synchronized (this) {
        pacer.ended(start, end);
      }
    }
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
