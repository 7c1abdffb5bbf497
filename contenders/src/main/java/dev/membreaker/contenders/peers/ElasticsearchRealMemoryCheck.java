package dev.membreaker.contenders.peers;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Elasticsearch's real-memory parent circuit breaker (elastic/elasticsearch, {@code
 * server/src/main/java/org/elasticsearch/indices/breaker/HierarchyCircuitBreakerService.java}):
 * with {@code indices.breaker.total.use_real_memory} (the default) it trips when the instantaneous
 * heap used exceeds {@code indices.breaker.total.limit}, 95 % of the heap. On G1 it first runs its
 * {@link G1OverLimitStrategy} and trips only if heap used is still over the limit afterwards. Each
 * call is checked as it starts, on the thread that starts it, as Elasticsearch checks a request
 * (the bytes a request reserves are not added here: the calls' sizes are not known at their start).
 */
public final class ElasticsearchRealMemoryCheck implements AdmissionCheck {

  public static final double LIMIT = 0.95;

  private final LongSupplier used;
  private final long max;
  private final long limit;
  private final G1OverLimitStrategy g1; // null off G1
  private volatile double last = Double.NaN;
  private volatile boolean tripped;

  public ElasticsearchRealMemoryCheck(LongSupplier used, long max, G1OverLimitStrategy g1) {
    this.used = used;
    this.max = max;
    this.limit = (long) (max * LIMIT);
    this.g1 = g1;
  }

  @Override
  public boolean admits() {
    long bytes = used.getAsLong();
    last = (double) bytes / max;
    if (bytes > limit && g1 != null) {
      bytes = g1.overLimit(bytes);
      last = (double) bytes / max;
    }
    tripped = bytes > limit;
    return !tripped;
  }

  @Override
  public double reading() {
    return last;
  }

  @Override
  public String state() {
    return tripped ? "tripped" : "closed";
  }

  /**
   * Elasticsearch's {@code G1OverLimitStrategy}: one thread at a time (others wait up to 500 ms for
   * the lock), at most every 500 ms, allocates half-region arrays (each a humongous allocation that
   * takes a whole region) up to the number of free regions plus one, stopping as soon as heap used
   * drops or G1's young collection count changes; if nothing was reclaimed it calls {@code
   * System.gc()}, at most every 2 s. It returns heap used re-read afterwards when that is lower,
   * else the reading it was given.
   */
  public static final class G1OverLimitStrategy {

    static final long MINIMUM_INTERVAL_MILLIS = 500;
    static final long FULL_GC_MINIMUM_INTERVAL_MILLIS = 2000;
    static final long LOCK_TIMEOUT_MILLIS = 500;

    private final LongSupplier used;
    private final LongSupplier youngCollections;
    private final LongSupplier clockMillis;
    private final Runnable allocateHalfRegion;
    private final Runnable systemGc;
    private final long maxHeap;
    private final long regionSize;
    private final ReentrantLock lock = new ReentrantLock();
    private long lastCheckTime = Long.MIN_VALUE;
    private long lastFullGcTime = Long.MIN_VALUE;
    private volatile boolean performingFullGc;
    private int attemptNo;

    public G1OverLimitStrategy(
        LongSupplier used,
        LongSupplier youngCollections,
        LongSupplier clockMillis,
        Runnable allocateHalfRegion,
        Runnable systemGc,
        long maxHeap,
        long regionSize) {
      this.used = used;
      this.youngCollections = youngCollections;
      this.clockMillis = clockMillis;
      this.allocateHalfRegion = allocateHalfRegion;
      this.systemGc = systemGc;
      this.maxHeap = maxHeap;
      this.regionSize = regionSize;
    }

    /** The strategy as Elasticsearch builds it on this JVM. */
    public static G1OverLimitStrategy forThisJvm() {
      long region = HeapMeter.g1RegionSize();
      int half = (int) (region >> 1);
      long[] blackHole = new long[1];
      return new G1OverLimitStrategy(
          HeapMeter.heapUsed(),
          HeapMeter.g1YoungCollections(),
          System::currentTimeMillis,
          // An allocation the JIT cannot remove, as Elasticsearch makes it (its identity hash).
          () -> blackHole[0] += System.identityHashCode(new byte[half]),
          System::gc,
          HeapMeter.heapMax(),
          region);
    }

    /** Heap used after trying to bring it down, given {@code baseUsage} over the limit. */
    public long overLimit(long baseUsage) {
      int attempt = 0;
      try {
        if (lock.tryLock(LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          try {
            attempt = ++attemptNo;
            tryTriggerGc(baseUsage);
          } finally {
            lock.unlock();
          }
        }
        if (performingFullGc
            && attempt == 0
            && lock.tryLock(LOCK_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
          try { // another thread runs a full collection: wait for it once more
            ++attemptNo;
            tryTriggerGc(baseUsage);
          } finally {
            lock.unlock();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long current = used.getAsLong();
      return current < baseUsage ? current : baseUsage;
    }

    private void tryTriggerGc(long baseUsage) {
      long begin = clockMillis.getAsLong();
      if (begin >= lastCheckTime + MINIMUM_INTERVAL_MILLIS) {
        long initialCollections = youngCollections.getAsLong();
        long allocations = (maxHeap - baseUsage) / regionSize + 1;
        long maxObserved = baseUsage;
        for (long i = 0; i < allocations; i++) {
          long current = used.getAsLong();
          if (current >= maxObserved) {
            maxObserved = current;
          } else {
            break; // memory dropped: a collection ran
          }
          if (initialCollections != youngCollections.getAsLong()) {
            break;
          }
          allocateHalfRegion.run();
        }
        lastCheckTime = clockMillis.getAsLong();
        attemptNo = 0;
      }
      if (baseUsage - used.getAsLong() <= 0
          && clockMillis.getAsLong() >= lastFullGcTime + FULL_GC_MINIMUM_INTERVAL_MILLIS) {
        performingFullGc = true;
        systemGc.run();
        performingFullGc = false;
        lastFullGcTime = clockMillis.getAsLong();
      }
    }
  }
}
