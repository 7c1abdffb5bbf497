package dev.membreaker.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.GarbageCollectionNotificationInfo;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Collector;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.policy.Priority;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * One cell of the workload matrix, run in a JVM of its own: a {@link Shape} of memory use driven by
 * an open-loop stream of requests (400 a second by default, on four threads), each gated by a
 * breaker with the default config through its core API ({@code decide}), or not gated at all
 * ({@code gate=off}, the unprotected run).
 *
 * <p>The ground truth is what the workload holds on purpose, which it knows exactly: every byte
 * array it keeps is added to a counter when kept and removed when dropped. Every measure is taken
 * against that, never against the breaker's own reading. Prints one line, {@code MATRIX {json}}.
 *
 * <p>Requests: 10 % CRITICAL (light: a payment holds nothing), 70 % DEFAULT, 20 % SHEDDABLE.
 * Arguments, as {@code key=value}: {@code shape}, {@code seconds}, {@code gate} (on, off), {@code
 * rate} (requests a second).
 */
public final class Workload {

  static volatile Object sink;
  private static final boolean TRACE = Boolean.getBoolean("workload.trace");

  private final Shape shape;
  private final double seconds;
  private final boolean gate;
  private final double rate;
  private final double surgeStart;
  private final double surgeEnd;
  private final long max = Runtime.getRuntime().maxMemory();
  private volatile long start = System.nanoTime(); // reset once the shape's live set is built
  private final AtomicLong held = new AtomicLong();
  private final AtomicLong peakHeld = new AtomicLong();
  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong[] shed = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
  private final AtomicLong[] offered = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
  private final AtomicLong falseSheds = new AtomicLong();
  private final AtomicLong oomAt = new AtomicLong(-1);
  private final AtomicReference<String> oomMessage = new AtomicReference<>();
  private final List<Map<String, Object>> transitions = new ArrayList<>();
  private final List<Long> confirmPauses = new ArrayList<>();
  private final AtomicLong gcPauseMillis = new AtomicLong();
  private final AtomicLong collections = new AtomicLong();
  private volatile boolean stop;
  private volatile long dangerAt = -1;
  private volatile long releasedAt = -1;
  private volatile BreakerState stateAtRelease;
  private MemoryBreaker breaker;

  // The shapes' own state.
  private final ConcurrentLinkedQueue<Held> inFlight = new ConcurrentLinkedQueue<>();
  private final List<byte[][]> retained = new ArrayList<>();
  private final LinkedHashMap<Integer, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true);
  private final List<byte[]> base = new ArrayList<>();
  private byte[][] smallObjects; // the cache shape's live set
  private final StallMeter stalls = new StallMeter();

  private Workload(
      Shape shape, double seconds, boolean gate, double rate, double surgeStart, double surgeEnd) {
    this.surgeStart = surgeStart;
    this.surgeEnd = surgeEnd;
    this.shape = shape;
    this.seconds = seconds;
    this.gate = gate;
    this.rate = rate;
  }

  /** What the workload does with memory. */
  enum Shape {
    /** Objects living half a second: 0.2 of the heap live, all of it promoted garbage later. */
    CHURN_05S("churn-0.5s", false),
    CHURN_1S("churn-1s", false),
    CHURN_3S("churn-3s", false),
    /** An LRU cache at 0.4 of the heap, three misses in four, each evicting the eldest entry. */
    LRU("lru", false),
    /** One request in twenty holds an array of 1.5 to 3 % of the heap for 200 ms; 0.1 base. */
    HUMONGOUS("humongous", false),
    /** Every 8 s a batch builds 0.35 of the heap over 2 s, holds it 1 s and drops it; 0.1 base. */
    BATCH("batch", false),
    /**
     * A large steady cache: 0.8 of the heap in {@code byte[40]}s held by one array (tens of
     * millions of small objects, the costliest shape for a full collection to mark), and every
     * admitted request makes 256 KiB of short-lived garbage. Nothing grows: a guard that stalls
     * this server with its own collections, or sheds more than its DEGRADED level does by design,
     * hurts it.
     */
    CACHE("cache", false),
    /**
     * From the surge's start (5 s) each admitted non-critical request retains 1/1000 of the heap,
     * until its end (25 s), when all of it is let go; traffic goes on.
     */
    SURGE("surge", true),
    /** The surge, then no traffic at all after it ends. */
    SURGE_SILENCE("surge-silence", true),
    /** Each admitted non-critical request leaks a share sized to fill the heap in 60 s. */
    LEAK("leak", true);

    final String id;
    final boolean dangerous;

    Shape(String id, boolean dangerous) {
      this.id = id;
      this.dangerous = dangerous;
    }

    static Shape of(String id) {
      for (Shape s : values()) {
        if (s.id.equals(id)) {
          return s;
        }
      }
      throw new IllegalArgumentException("no shape '" + id + "'");
    }

    /** Lifetime of churned objects, for the churn shapes. */
    double lifetimeSeconds() {
      return this == CHURN_05S ? 0.5 : this == CHURN_1S ? 1 : 3;
    }
  }

  private record Held(long expiresAt, byte[][] chunks, long bytes) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException("expected key=value, got " + arg);
      }
      a.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    Shape shape = Shape.of(a.getOrDefault("shape", "churn-1s"));
    double seconds = Double.parseDouble(a.getOrDefault("seconds", "30"));
    boolean gate = !"off".equals(a.getOrDefault("gate", "on"));
    // The cache shape: 200 requests a second of 256 KiB each, 50 MB/s of garbage.
    double rate = Double.parseDouble(a.getOrDefault("rate", shape == Shape.CACHE ? "200" : "400"));
    String[] surge = a.getOrDefault("surge", "5:25").split(":");
    Workload w =
        new Workload(
            shape, seconds, gate, rate, Double.parseDouble(surge[0]), Double.parseDouble(surge[1]));
    Map<String, Object> result;
    try {
      result = w.run();
    } catch (OutOfMemoryError e) {
      w.oom(e);
      result = w.result(BreakerState.OPEN, null);
    }
    System.out.println("MATRIX " + new ObjectMapper().writeValueAsString(result));
    System.out.flush();
    System.exit(0);
  }

  private double t() {
    return (System.nanoTime() - start) / 1e9;
  }

  private double heldShare() {
    return (double) held.get() / max;
  }

  private void hold(long bytes) {
    long now = held.addAndGet(bytes);
    peakHeld.accumulateAndGet(now, Math::max);
  }

  private static byte[][] chunks(long bytes) {
    int chunk = 32 * 1024; // under G1's humongous size even with 1 MiB regions
    int n = (int) Math.max(1, (bytes + chunk - 1) / chunk);
    byte[][] out = new byte[n][];
    long left = bytes;
    for (int i = 0; i < n; i++) {
      out[i] = new byte[(int) Math.max(16, Math.min(chunk, left))];
      left -= chunk;
    }
    return out;
  }

  private Map<String, Object> run() throws Exception {
    listenToCollections();
    prepare();
    start = System.nanoTime(); // a large cache takes seconds to build: the run starts after it
    synchronized (confirmPauses) {
      confirmPauses.clear(); // the preparation's own collection is not the breaker's
    }
    gcPauseMillis.set(0);
    collections.set(0);
    // Unprotected means no breaker at all: its sampler and its collections are part of what is
    // measured against.
    breaker = gate ? MemoryBreaker.builder().config(BreakerConfig.defaults()).build() : null;
    if (breaker != null) {
      breaker.addListener(
          e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("t", round(t()));
            m.put("from", e.from().name());
            m.put("to", e.to().name());
            m.put("cause", String.valueOf(e.cause()));
            m.put("dimension", e.drivingDimension() == null ? null : e.drivingDimension().id());
            m.put("pressure", round(e.pressure()));
            m.put("held", round(heldShare()));
            synchronized (transitions) {
              transitions.add(m);
            }
          });
      breaker.start();
    }
    stalls.start();
    Thread background = startBackground();
    List<Thread> workers = new ArrayList<>();
    int threads = 4;
    for (int i = 0; i < threads; i++) {
      int id = i;
      Thread w = new Thread(() -> work(id, threads), "request-" + i);
      w.setDaemon(true);
      workers.add(w);
      w.start();
    }
    Thread expirer = new Thread(this::expire, "expirer");
    expirer.setDaemon(true);
    expirer.start();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end && oomAt.get() < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
    stop = true;
    for (Thread w : workers) {
      w.join(10_000);
    }
    if (background != null) {
      background.interrupt();
      background.join(10_000);
    }
    expirer.join(10_000);
    stalls.stop();
    BreakerState finalState = breaker == null ? BreakerState.HEALTHY : breaker.status().state();
    LiveSetEvidence evidence = breaker == null ? null : breaker.status().liveSet();
    if (breaker != null) {
      breaker.close();
    }
    return result(finalState, evidence);
  }

  /** What is held before the first request: the base, and the full cache. */
  private void prepare() {
    long baseBytes =
        switch (shape) {
          case HUMONGOUS, BATCH, SURGE, SURGE_SILENCE, LEAK -> max / 10;
          default -> 0;
        };
    for (byte[] c : chunks(baseBytes)) {
      base.add(c);
    }
    hold(baseBytes);
    if (shape == Shape.CACHE) {
      // A byte[40] takes 56 bytes (16 of header), and its slot in the array 4 (compressed oops).
      int entries = (int) Math.min(Integer.MAX_VALUE - 8, (long) (max * CACHE_SHARE) / 60);
      smallObjects = new byte[entries][];
      for (int k = 0; k < entries; k++) {
        smallObjects[k] = new byte[40];
      }
      hold((long) entries * 60);
      // A server that has run a while: the cache is in the old generation, not in the young one
      // it was built in. Promoted all at once under a breaker just started, it reads as a surge.
      // A full collection does it where System.gc() is one; under -XX:+DisableExplicitGC or
      // -XX:+ExplicitGCInvokesConcurrent, young collections must age it out (at most 15 ages).
      System.gc();
      long until = collections.get() + 20;
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (collections.get() < until && System.nanoTime() < deadline) {
        sink = new byte[32 * 1024];
      }
    }
    if (shape == Shape.LRU) {
      int entries = (int) (max * 0.4 / ENTRY);
      for (int k = 0; k < entries; k++) {
        cache.put(k, new byte[ENTRY]);
      }
      hold((long) entries * ENTRY);
    }
  }

  private static final int ENTRY = 8 * 1024;
  private static final double CACHE_SHARE = 0.8;

  private Thread startBackground() {
    if (shape != Shape.BATCH) {
      return null;
    }
    Thread t =
        new Thread(
            () -> {
              List<byte[]> batch = new ArrayList<>();
              try {
                while (!stop) {
                  sleepUntil(System.nanoTime() + 6_000_000_000L);
                  long target = (long) (max * 0.35);
                  long built = 0;
                  long begin = System.nanoTime();
                  while (built < target && !stop) {
                    long due = (long) ((double) built / target * 2e9);
                    if (System.nanoTime() - begin < due) {
                      LockSupport.parkNanos(1_000_000);
                      continue;
                    }
                    batch.add(new byte[32 * 1024]);
                    built += 32 * 1024;
                    hold(32 * 1024);
                  }
                  sleepUntil(System.nanoTime() + 1_000_000_000L);
                  batch.clear();
                  held.addAndGet(-built);
                }
              } catch (OutOfMemoryError e) {
                batch.clear();
                oom(e);
              }
            },
            "batch");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void sleepUntil(long deadline) {
    while (!stop && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Math.min(50_000_000L, deadline - System.nanoTime()));
    }
  }

  /** Drops in-flight objects whose time is up, every 5 ms. */
  private void expire() {
    while (!stop) {
      long now = System.nanoTime();
      for (Held h; (h = inFlight.peek()) != null && h.expiresAt() <= now; ) {
        if (inFlight.remove(h)) {
          held.addAndGet(-h.bytes());
        }
      }
      LockSupport.parkNanos(5_000_000);
    }
  }

  private void work(int id, int threads) {
    double period = threads / rate * 1e9;
    long next = start + (long) (id * period / threads);
    long k = 0;
    try {
      while (!stop) {
        long due = next + (long) (k * period);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        k++;
        double now = t();
        if (shape == Shape.SURGE_SILENCE && now >= surgeEnd) {
          release(now);
          continue; // no traffic at all after the surge
        }
        if ((shape == Shape.SURGE) && now >= surgeEnd) {
          release(now);
        }
        request(now);
      }
    } catch (OutOfMemoryError e) {
      oom(e);
    } catch (Throwable e) {
      if (e.getCause() instanceof OutOfMemoryError || e instanceof OutOfMemoryError) {
        oom(e);
      } else {
        throw e;
      }
    }
  }

  private void release(double now) {
    synchronized (retained) {
      if (releasedAt >= 0) {
        return;
      }
      long bytes = 0;
      for (byte[][] c : retained) {
        for (byte[] b : c) {
          bytes += b.length;
        }
      }
      retained.clear();
      held.addAndGet(-bytes);
      stateAtRelease = breaker == null ? null : breaker.status().state();
      releasedAt = System.nanoTime();
    }
  }

  private void request(double now) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    int p = r.nextInt(10);
    Priority priority = p == 0 ? Priority.CRITICAL : p <= 7 ? Priority.DEFAULT : Priority.SHEDDABLE;
    calls.incrementAndGet();
    offered[priority.ordinal()].incrementAndGet();
    if (gate && !breaker.decide(priority).admitted()) {
      shed[priority.ordinal()].incrementAndGet();
      if (heldShare() < breaker.config().warning()) {
        falseSheds.incrementAndGet();
      }
      return;
    }
    sink = new byte[1024 + r.nextInt(16 * 1024)]; // the request's own garbage
    if (shape == Shape.CACHE) {
      for (int i = 0; i < 8; i++) {
        sink = new byte[32 * 1024]; // 256 KiB of short-lived garbage, under any humongous size
      }
      return;
    }
    if (priority == Priority.CRITICAL) {
      return;
    }
    switch (shape) {
      case CHURN_05S, CHURN_1S, CHURN_3S -> {
        double life = shape.lifetimeSeconds();
        long bytes = (long) (max * 0.2 / (rate * life));
        keepFor(bytes, life);
      }
      case LRU -> {
        int entries = (int) (max * 0.4 / ENTRY);
        int key = r.nextInt(entries * 4);
        synchronized (cache) {
          if (cache.get(key) == null) {
            cache.put(key, new byte[ENTRY]);
            hold(ENTRY);
            if (cache.size() > entries) {
              var eldest = cache.entrySet().iterator();
              eldest.next();
              eldest.remove();
              held.addAndGet(-ENTRY);
            }
          }
        }
      }
      case HUMONGOUS -> {
        if (r.nextInt(20) == 0) {
          long bytes = (long) (max * (0.015 + 0.015 * r.nextDouble()));
          byte[] big = new byte[(int) bytes];
          hold(bytes);
          inFlight.add(new Held(System.nanoTime() + 200_000_000L, new byte[][] {big}, bytes));
        }
      }
      case SURGE, SURGE_SILENCE -> {
        if (now >= surgeStart && now < surgeEnd) {
          markDanger(now);
          retain(max / 1000);
        }
      }
      case LEAK -> {
        markDanger(0);
        retain((long) (max * 0.95 / (60 * rate * 0.9)));
      }
      default -> {}
    }
  }

  private void markDanger(double at) {
    if (dangerAt < 0) {
      dangerAt = start + (long) (at * 1e9);
    }
  }

  /**
   * Retains {@code bytes} as 32 KiB arrays, as a server retains what requests carry. (One array of
   * a quarter of a G1 region would waste a fifth of each region: with 268 KB arrays and 1 MiB
   * regions, a 256 MiB G1 heap was full at 0.76 of it retained.)
   */
  private void retain(long bytes) {
    byte[][] b = chunks(bytes);
    synchronized (retained) {
      if (releasedAt >= 0) {
        return;
      }
      retained.add(b);
    }
    hold(bytes);
  }

  private void keepFor(long bytes, double seconds) {
    byte[][] c = chunks(bytes);
    hold(bytes);
    inFlight.add(new Held(System.nanoTime() + (long) (seconds * 1e9), c, bytes));
  }

  /**
   * Records an OutOfMemoryError without allocating, then lets go of everything the workload holds
   * so the result can still be printed. The parachute goes first: the handler's own first steps
   * (class resolution, the interpreter's frames) may need a little heap.
   */
  private void oom(Throwable e) {
    parachute = null;
    stop = true;
    oomAt.compareAndSet(-1, System.nanoTime());
    inFlight.clear();
    synchronized (retained) {
      retained.clear();
    }
    synchronized (cache) {
      cache.clear();
    }
    base.clear();
    smallObjects = null;
    sink = null;
    oomMessage.compareAndSet(null, e.getMessage());
  }

  /** Freed first when memory runs out, so the error can be handled and reported. */
  private volatile byte[] parachute = new byte[4 << 20];

  private void listenToCollections() {
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
                collections.incrementAndGet();
                if (TRACE) {
                  long before = 0;
                  long after = 0;
                  for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
                    if (!e.getKey().contains("Metaspace")
                        && !e.getKey().contains("Code")
                        && !e.getKey().contains("Class")) {
                      before += e.getValue().getUsed();
                      after += info.getGcInfo().getMemoryUsageAfterGc().get(e.getKey()).getUsed();
                    }
                  }
                  System.out.printf(
                      "TRACE t=%.3f %s/%s/%s before=%.3f after=%.3f ms=%d held=%.3f%n",
                      t(),
                      info.getGcName(),
                      info.getGcAction(),
                      info.getGcCause(),
                      (double) before / max,
                      (double) after / max,
                      info.getGcInfo().getDuration(),
                      heldShare());
                }
                boolean pause = !info.getGcName().contains("Cycles");
                if (pause) {
                  gcPauseMillis.addAndGet(info.getGcInfo().getDuration());
                }
                if (pause && "System.gc()".equals(info.getGcCause())) {
                  synchronized (confirmPauses) {
                    confirmPauses.add(info.getGcInfo().getDuration());
                  }
                }
              },
              null,
              null);
    }
  }

  private Map<String, Object> result(BreakerState finalState, LiveSetEvidence evidence) {
    double elapsed = t();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("shape", shape.id);
    m.put("collector", Collector.detect(ManagementFactory.getGarbageCollectorMXBeans()).name());
    m.put("heapMiB", max >> 20);
    m.put("gate", gate);
    m.put("seconds", round(elapsed));
    m.put("calls", calls.get());
    long shedAll = shed[0].get() + shed[1].get() + shed[2].get();
    m.put("shed", shedAll);
    m.put("shedShare", calls.get() == 0 ? 0 : round((double) shedAll / calls.get()));
    m.put("falseSheds", falseSheds.get());
    long critical = offered[Priority.CRITICAL.ordinal()].get();
    m.put("criticalAdmitted", critical == 0 ? 1 : round4(1 - (double) shed[0].get() / critical));
    m.put("oom", oomAt.get() >= 0);
    m.put("oomMessage", oomMessage.get());
    m.put("oomAt", oomAt.get() < 0 ? null : round((oomAt.get() - start) / 1e9));
    m.put("dangerAt", dangerAt < 0 ? null : round((dangerAt - start) / 1e9));
    m.put("peakHeld", round((double) peakHeld.get() / max));
    List<Map<String, Object>> ts;
    synchronized (transitions) {
      ts = new ArrayList<>(transitions);
    }
    m.put("transitions", ts.size());
    m.put("opens", ts.stream().filter(x -> "OPEN".equals(x.get("to"))).count());
    m.put(
        "firstOpenAt",
        ts.stream()
            .filter(x -> "OPEN".equals(x.get("to")))
            .findFirst()
            .map(x -> x.get("t"))
            .orElse(null));
    double recover = BreakerConfig.defaults().recover();
    m.put(
        "healthyAboveRecover",
        ts.stream()
            .filter(x -> "HEALTHY".equals(x.get("to")) && (double) x.get("held") > recover)
            .count());
    m.put("releasedAt", releasedAt < 0 ? null : round((releasedAt - start) / 1e9));
    m.put("stateAtRelease", stateAtRelease == null ? null : stateAtRelease.name());
    Object toHealthy = null;
    if (releasedAt >= 0) {
      double rel = (releasedAt - start) / 1e9;
      if (stateAtRelease == BreakerState.HEALTHY) {
        toHealthy = 0.0;
      } else {
        toHealthy =
            ts.stream()
                .filter(x -> "HEALTHY".equals(x.get("to")) && (double) x.get("t") >= rel - 0.001)
                .findFirst()
                .map(x -> round((double) x.get("t") - rel))
                .orElse(null);
      }
    }
    m.put("toHealthyAfterRelease", toHealthy);
    m.put("finalState", finalState.name());
    List<Long> pauses;
    synchronized (confirmPauses) {
      pauses = new ArrayList<>(confirmPauses);
    }
    pauses.sort(Long::compare);
    m.put("confirmations", evidence == null ? 0 : evidence.confirmations());
    m.put(
        "confirmationsPerMinute",
        evidence == null ? 0 : round(evidence.confirmations() * 60 / elapsed));
    m.put("confirmPauseP50Ms", pauses.isEmpty() ? null : pauses.get(pauses.size() / 2));
    m.put(
        "confirmPauseP99Ms",
        pauses.isEmpty()
            ? null
            : pauses.get(Math.min(pauses.size() - 1, (int) Math.ceil(pauses.size() * 0.99) - 1)));
    long confirmMillis = pauses.stream().mapToLong(Long::longValue).sum();
    m.put("confirmPausedShare", round4(confirmMillis / 1000.0 / elapsed));
    m.put("gcPausedShare", round4(gcPauseMillis.get() / 1000.0 / elapsed));
    m.put("collections", collections.get());
    m.put("stallsOver50ms", stalls.count());
    m.put("stalledShare", round4(stalls.totalNanos() / 1e9 / elapsed));
    m.put("longestStallMs", round(stalls.longestNanos() / 1e6));
    m.put("path", ts);
    return m;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static double round4(double v) {
    return Math.round(v * 10000) / 10000.0;
  }
}
