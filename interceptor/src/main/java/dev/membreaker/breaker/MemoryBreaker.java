package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;
import dev.membreaker.memory.MemorySources;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import dev.membreaker.time.Ticker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The shared memory-watermark breaker: one per JVM, consulted by every server that protects
 * itself with it.
 *
 * <p>Design. One writer, many readers. A sampler thread reads the {@link MemorySource}s at the
 * configured interval (and at once after each GC notification), folds the readings into signals,
 * lets the state machine grade them, and publishes one immutable {@link Admission} with a single
 * volatile write. Deciding a call ({@link #decide}) is one volatile read of that object: no lock,
 * no allocation, no clock or MXBean read; everything that costs happens on the sampler thread.
 * Transitions are announced after the state has changed, on a listener thread with a bounded
 * queue, so a slow or failing listener never blocks or breaks the breaker.
 *
 * <p>A watchdog notices a sampler that has produced nothing for {@code stallIntervals} intervals
 * (a hung source, a dead thread): the breaker then admits everything (fails open) and says so in
 * {@link BreakerStatus#samplerHealth()}, logging once; the next sample restores normal judgement.
 * Operator overrides are applied without the evaluation lock, so they work even then.
 *
 * <p>Thread-safe. Tests drive it without threads: build it with fake sources and a fake ticker,
 * do not call {@link #start()}, and call {@link #evaluateNow()} and {@link #checkSamplerNow()}.
 */
public final class MemoryBreaker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());
  private static final int LISTENER_QUEUE = 1024;
  private static final VarHandle ADMISSION;

  static {
    try {
      ADMISSION =
          MethodHandles.lookup().findVarHandle(MemoryBreaker.class, "admission", Admission.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final List<MemorySource> sources;
  private final Ticker ticker;
  private final Clock clock;
  private final Executor listenerExecutor;
  private final ExecutorService ownedExecutor;
  private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
  private final ReentrantLock evaluationLock = new ReentrantLock();
  private final ArrayDeque<TransitionEvent> history = new ArrayDeque<>(); // guarded by itself
  private final LongAdder droppedEvents = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();
  private final long createdAt;

  private final StateMachine machine; // guarded by evaluationLock
  private Instant sinceWall; // guarded by evaluationLock
  private volatile BreakerConfig config;
  // Read once per call: a plain volatile field, one load fewer than an AtomicReference.
  private volatile Admission admission;
  private volatile OutcomeWindow outcomes;
  private volatile OverrideState override = OverrideState.NONE;
  private volatile long lastSampleAt;
  private volatile boolean sampled;
  private volatile boolean stalled;
  private volatile boolean running;
  private volatile Thread samplerThread;
  private volatile Thread watchdogThread;
  private final boolean[] sourceFailed;
  private final List<Cohort> cohorts;
  private final StateMachine[] cohortMachines; // guarded by evaluationLock
  private final int[] cohortBuckets; // bucket (0..99) -> cohort index + 1, 0 for the default profile
  private volatile Admission[] cohortAdmissions;
  private final long[] historyNanos; // guarded by evaluationLock
  private final MemoryReading[][] historyReadings; // guarded by evaluationLock
  private int historyNext; // guarded by evaluationLock
  private int historySize; // guarded by evaluationLock
  private final Object configLock = new Object();
  private volatile long configVersion = 1;
  private volatile String lastConfigError = "";

  private MemoryBreaker(Builder b) {
    this.config = b.config;
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.sources =
        List.copyOf(
            b.sources != null
                ? b.sources
                : MemorySources.jvm(b.ticker, b.config.cgroupReadInterval()));
    this.sourceFailed = new boolean[sources.size()];
    this.cohorts = List.copyOf(b.cohorts);
    this.cohortMachines = new StateMachine[cohorts.size()];
    this.cohortBuckets = new int[100];
    int bucket = 0;
    for (int i = 0; i < cohorts.size(); i++) {
      for (int n = 0; n < cohorts.get(i).share(); n++) {
        cohortBuckets[bucket++] = i + 1;
      }
    }
    this.historyNanos = new long[b.sampleHistory];
    this.historyReadings = new MemoryReading[b.sampleHistory][];
    if (b.listenerExecutor != null) {
      this.listenerExecutor = b.listenerExecutor;
      this.ownedExecutor = null;
    } else {
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(LISTENER_QUEUE),
              r -> daemon(r, "membreaker-listeners"),
              (r, e) -> droppedEvents.increment());
      this.listenerExecutor = executor;
      this.ownedExecutor = executor;
    }
    this.listeners.addAll(b.listeners);
    this.createdAt = ticker.read();
    this.machine = new StateMachine(config, createdAt);
    for (int i = 0; i < cohortMachines.length; i++) {
      cohortMachines[i] = new StateMachine(cohorts.get(i).config(), createdAt);
    }
    this.sinceWall = clock.instant();
    this.outcomes = new OutcomeWindow(config.outcomeWindow());
    publish(status(createdAt, SamplerHealth.NOT_STARTED));
    publishCohorts(createdAt, SamplerHealth.NOT_STARTED);
    for (MemorySource source : sources) {
      source.onChange(this::wakeSampler);
    }
  }

  /** A builder with the default config, the JVM's own memory sources and the system clock. */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- the call path

  /** The cohort profiles, in bucket order (empty when there are none). */
  public List<Cohort> cohorts() {
    return cohorts;
  }

  /**
   * The cohort index (0 = the default profile, i = {@code cohorts().get(i - 1)}) of a stable hash
   * bucket in [0, 100).
   */
  public int cohortOfBucket(int bucket) {
    return cohortBuckets[bucket];
  }

  /** The decision table of cohort {@code index} (0: the default profile, as {@link #admission()}). */
  public Admission admission(int cohortIndex) {
    Admission main = admission;
    // Overrides and a stalled sampler apply to every cohort at once: they live in the main table.
    if (cohortIndex == 0 || main.status().override() != OverrideMode.NONE
        || main.status().samplerHealth() == SamplerHealth.STALLED) {
      return main;
    }
    return cohortAdmissions[cohortIndex - 1];
  }

  /** Decides one call: one volatile read, no lock, no allocation. */
  public Decision decide(Priority priority) {
    return admission.decide(priority);
  }

  /** The decision table in force (one volatile read). */
  public Admission admission() {
    return admission;
  }

  /**
   * Records the outcome of an admitted call for the outcome breaker. Never call it for calls the
   * breaker shed. Lock-free and allocation-free.
   *
   * @param grpcStatusCode the call's gRPC status code value (0 = OK)
   * @param latencyNanos how long the call took
   */
  public void recordOutcome(int grpcStatusCode, long latencyNanos) {
    BreakerConfig c = config;
    long slowNanos = c.slowCallThresholdNanos();
    outcomes.record(c.isFailureCode(grpcStatusCode), slowNanos > 0 && latencyNanos >= slowNanos);
  }

  // ---------------------------------------------------------------- what operators see and steer

  /** What the breaker knows now. */
  public BreakerStatus status() {
    return admission.status();
  }

  /** The time source the breaker's timestamps ({@link BreakerStatus#openUntilNanos()}) come from. */
  public Ticker ticker() {
    return ticker;
  }

  /** The config in force (an update applies to the state machine at the next sample). */
  public BreakerConfig config() {
    return config;
  }

  /** Replaces the config as a whole; the next sample evaluates under it. Returns the new version. */
  public long updateConfig(BreakerConfig next) {
    return updateConfig(next, 0);
  }

  /**
   * Replaces the config if its version is still {@code expectedVersion} (0: whatever it is),
   * atomically with respect to other updates; the next sample evaluates under it.
   *
   * @return the new version
   * @throws StaleConfigVersionException when the version has moved on
   */
  public long updateConfig(BreakerConfig next, long expectedVersion) {
    Objects.requireNonNull(next, "config");
    synchronized (configLock) {
      if (expectedVersion != 0 && expectedVersion != configVersion) {
        throw new StaleConfigVersionException(expectedVersion, configVersion);
      }
      BreakerConfig before = config;
      config = next;
      lastConfigError = "";
      long version = ++configVersion;
      announce(new ConfigChange(before, next, version, clock.instant()));
      return version;
    }
  }

  /** The version of the config in force; every update adds one. */
  public long configVersion() {
    return configVersion;
  }

  /**
   * Records that a config (a file, an update) was refused: the last good config stays in force
   * and the message shows in {@link #lastConfigError()} until a good one is applied.
   */
  public void reportConfigError(String message) {
    lastConfigError = Objects.requireNonNull(message, "message");
    LOG.log(System.Logger.Level.WARNING, "membreaker: config refused, the last good one stays: {0}", message);
  }

  /** The last refused config's error, or "" since the last good one. */
  public String lastConfigError() {
    return lastConfigError;
  }

  /**
   * Replays the recent samples (up to the builder's {@code sampleHistory}) under {@code candidate}
   * in a state machine of its own. Changes nothing.
   */
  public Simulation simulate(BreakerConfig candidate) {
    Objects.requireNonNull(candidate, "candidate");
    long[] nanos;
    MemoryReading[][] readings;
    evaluationLock.lock();
    try {
      nanos = new long[historySize];
      readings = new MemoryReading[historySize][];
      int oldest = (historyNext - historySize + historyNanos.length) % historyNanos.length;
      for (int i = 0; i < historySize; i++) {
        int at = (oldest + i) % historyNanos.length;
        nanos[i] = historyNanos[at];
        readings[i] = historyReadings[at];
      }
    } finally {
      evaluationLock.unlock();
    }
    return Replay.run(candidate, nanos, readings, clock.instant(), ticker.read());
  }

  /**
   * Sets an override, which wins over the breaker's own judgement at once.
   *
   * @param mode the override ({@link OverrideMode#NONE} clears it)
   * @param reason why, for the audit trail
   * @param ttl how long until it clears itself, or null for never; must be positive
   */
  public void setOverride(OverrideMode mode, String reason, Duration ttl) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(reason, "reason");
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("override ttl must be positive, was " + ttl);
    }
    long expires = 0;
    if (ttl != null && mode != OverrideMode.NONE) {
      expires = ticker.read() + ttl.toNanos();
      if (expires == 0) {
        expires = 1;
      }
    }
    OverrideState before = override;
    override = mode == OverrideMode.NONE ? OverrideState.NONE : new OverrideState(mode, reason, expires);
    publish(admission.status());
    LOG.log(System.Logger.Level.INFO, "membreaker: override {0} -> {1} ({2})", before.mode(), mode, reason);
    announce(new OverrideChange(before.mode(), mode, reason, expires, clock.instant()));
  }

  /** The most recent transitions, oldest first (at most {@code transition_history}). */
  public List<TransitionEvent> recentTransitions() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Adds a listener of transitions and override changes. */
  public void addListener(TransitionListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(TransitionListener listener) {
    listeners.remove(listener);
  }

  /** Events dropped because the listener queue was full. */
  public long droppedEvents() {
    return droppedEvents.sum();
  }

  /** Listener calls that threw. */
  public long listenerFailures() {
    return listenerFailures.sum();
  }

  // ---------------------------------------------------------------- sampling

  /** Starts the sampler and watchdog daemon threads. Idempotent. */
  public synchronized MemoryBreaker start() {
    if (running) {
      return this;
    }
    running = true;
    lastSampleAt = ticker.read();
    samplerThread = daemon(this::runSampler, "membreaker-sampler");
    watchdogThread = daemon(this::runWatchdog, "membreaker-watchdog");
    samplerThread.start();
    watchdogThread.start();
    return this;
  }

  /**
   * Takes one sample and evaluates it on the calling thread. The sampler thread calls this; tests
   * call it directly, with a fake ticker and fake sources, instead of starting the thread.
   */
  public void evaluateNow() {
    evaluationLock.lock();
    try {
      long now = ticker.read();
      BreakerConfig c = config;
      if (machine.config() != c) {
        machine.reconfigure(c);
        if (outcomes.size() != c.outcomeWindow()) {
          outcomes = new OutcomeWindow(c.outcomeWindow());
        }
      }
      expireOverride(now);
      MemoryReading[] readings = new MemoryReading[Dimension.values().length];
      for (int i = 0; i < sources.size(); i++) {
        MemorySource source = sources.get(i);
        if (c.dimensions().contains(source.dimension())) {
          readings[source.dimension().ordinal()] = read(i, source);
        }
      }
      historyNanos[historyNext] = now;
      historyReadings[historyNext] = readings;
      historyNext = (historyNext + 1) % historyNanos.length;
      historySize = Math.min(historySize + 1, historyNanos.length);
      BreakerState before = machine.state();
      Cause verdict = before == BreakerState.OPEN ? null : outcomes.verdict(c);
      StateMachine.Step step = machine.step(now, readings, verdict);
      if (step != null) {
        sinceWall = clock.instant();
        if (step.to() == BreakerState.OPEN || step.to() == BreakerState.HALF_OPEN) {
          outcomes = new OutcomeWindow(c.outcomeWindow());
        }
      }
      lastSampleAt = now;
      sampled = true;
      if (stalled) {
        stalled = false;
        LOG.log(System.Logger.Level.INFO, "membreaker: the sampler is running again");
      }
      for (StateMachine cohort : cohortMachines) {
        cohort.step(now, readings, null);
      }
      BreakerStatus status = status(now, SamplerHealth.RUNNING);
      publish(status);
      publishCohorts(now, SamplerHealth.RUNNING);
      if (step != null) {
        TransitionEvent event =
            new TransitionEvent(
                step.from(), step.to(), step.cause(), status.override(),
                status.drivingDimension(), status.pressure(), status.signals(), c, now,
                sinceWall);
        synchronized (history) {
          history.addLast(event);
          while (history.size() > c.transitionHistory()) {
            history.removeFirst();
          }
        }
        LOG.log(System.Logger.Level.INFO, "membreaker: {0}", event);
        announce(event);
      }
    } finally {
      evaluationLock.unlock();
    }
  }

  /**
   * The watchdog's check, on the calling thread: if no sample came for {@code stall_intervals}
   * intervals, the breaker fails open. The watchdog thread calls this; tests call it directly.
   */
  public void checkSamplerNow() {
    BreakerConfig c = config;
    long quiet = ticker.read() - (sampled ? lastSampleAt : createdAt);
    if (quiet <= c.stallIntervals() * c.sampleInterval().toNanos()) {
      return;
    }
    if (!stalled) {
      stalled = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "membreaker: no memory sample for {0} ms; admitting every call until sampling resumes",
          quiet / 1_000_000);
    }
    Admission current = admission;
    if (current.status().samplerHealth() != SamplerHealth.STALLED) {
      ADMISSION.compareAndSet(
          this, current, Admission.of(current.status().withSamplerHealth(SamplerHealth.STALLED), c));
    }
  }

  private MemoryReading read(int index, MemorySource source) {
    try {
      return source.read();
    } catch (RuntimeException e) {
      if (!sourceFailed[index]) {
        sourceFailed[index] = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "membreaker: memory source " + source.dimension().id() + " failed; it counts as"
                + " unavailable while it keeps failing",
            e);
      }
      return MemoryReading.unavailable();
    }
  }

  private void expireOverride(long now) {
    OverrideState o = override;
    if (o.expiresAtNanos() != 0 && now - o.expiresAtNanos() >= 0) {
      override = OverrideState.NONE;
      LOG.log(System.Logger.Level.INFO, "membreaker: override {0} expired", o.mode());
      announce(new OverrideChange(o.mode(), OverrideMode.NONE, "expired", 0, clock.instant()));
    }
  }

  private BreakerStatus status(long now, SamplerHealth health) {
    OverrideState o = override;
    return new BreakerStatus(
        machine.state(), machine.cause(), machine.enteredAt(), sinceWall, o.mode(), o.reason(),
        o.expiresAtNanos(), machine.driving(), machine.pressure(), machine.signals(), health, now,
        machine.transitions(), machine.openUntil(), machine.halfOpenShare());
  }

  private void publishCohorts(long now, SamplerHealth health) {
    Admission[] next = new Admission[cohortMachines.length];
    for (int i = 0; i < next.length; i++) {
      StateMachine m = cohortMachines[i];
      BreakerStatus s = new BreakerStatus(m.state(), m.cause(), m.enteredAt(), sinceWall, OverrideMode.NONE, "",
          0, m.driving(), m.pressure(), m.signals(), health, now, m.transitions(),
          m.openUntil(), m.halfOpenShare());
      next[i] = Admission.of(s, cohorts.get(i).config());
    }
    cohortAdmissions = next;
  }

  /** Publishes a decision for {@code base} under the override in force, re-checking for a race. */
  private void publish(BreakerStatus base) {
    while (true) {
      OverrideState o = override;
      admission = Admission.of(base.withOverride(o), config);
      if (override == o) {
        return;
      }
    }
  }

  private void announce(Object event) {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      listenerExecutor.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      droppedEvents.increment();
    }
  }

  private void deliver(Object event) {
    for (TransitionListener listener : listeners) {
      try {
        if (event instanceof TransitionEvent) {
          listener.onTransition((TransitionEvent) event);
        } else if (event instanceof OverrideChange) {
          listener.onOverrideChange((OverrideChange) event);
        } else {
          listener.onConfigChange((ConfigChange) event);
        }
      } catch (RuntimeException | Error e) {
        listenerFailures.increment();
        LOG.log(System.Logger.Level.WARNING, "membreaker: a transition listener failed", e);
      }
    }
  }

  private void wakeSampler() {
    Thread t = samplerThread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private void runSampler() {
    while (running) {
      try {
        evaluateNow();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "membreaker: sample failed", e);
      }
      LockSupport.parkNanos(this, config.sampleInterval().toNanos());
    }
  }

  /**
   * Wakes four times per stall period, not at every interval: each wake-up of a thread costs
   * more in the kernel than the check itself, and a stall is still seen within 1.25 periods.
   */
  private void runWatchdog() {
    while (running) {
      BreakerConfig c = config;
      LockSupport.parkNanos(this, c.stallIntervals() * c.sampleInterval().toNanos() / 4);
      checkSamplerNow();
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Stops the threads and releases the sources (GC listeners, open cgroup files). */
  @Override
  public synchronized void close() {
    running = false;
    for (Thread t : new Thread[] {samplerThread, watchdogThread}) {
      if (t != null) {
        LockSupport.unpark(t);
        try {
          t.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (MemorySource source : sources) {
      source.close();
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  /** Test hook: the outcome window's call count. */
  int outcomeCallsForTest() {
    return outcomes.calls();
  }

  /**
   * Builds a {@link MemoryBreaker}. Not thread-safe. Everything is optional: the default config,
   * the JVM's sources ({@link MemorySources#jvm}), the system ticker and clock, and a listener
   * thread of the breaker's own.
   */
  public static final class Builder {
    private BreakerConfig config = BreakerConfig.defaults();
    private List<MemorySource> sources;
    private Ticker ticker = Ticker.system();
    private Clock clock = Clock.systemUTC();
    private Executor listenerExecutor;
    private final List<TransitionListener> listeners = new ArrayList<>();
    private int sampleHistory = 2400;
    private final List<Cohort> cohorts = new ArrayList<>();

    private Builder() {}

    /** Samples kept for {@link MemoryBreaker#simulate} (1 to 100,000; default 2400, 2 min at 50 ms). */
    public Builder sampleHistory(int samples) {
      if (samples < 1 || samples > 100_000) {
        throw new IllegalArgumentException("sample_history must be in [1, 100000], was " + samples);
      }
      this.sampleHistory = samples;
      return this;
    }

    /** The config (default {@link BreakerConfig#defaults()}). */
    public Builder config(BreakerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** The memory sources (default: the JVM's own, see {@link MemorySources#jvm}). */
    public Builder sources(List<? extends MemorySource> sources) {
      Objects.requireNonNull(sources, "sources");
      if (sources.isEmpty()) {
        throw new IllegalArgumentException("sources must not be empty");
      }
      this.sources = new ArrayList<>(sources);
      return this;
    }

    /** The time source (default {@link Ticker#system()}). */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** The wall clock for event timestamps (default UTC system clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where listeners run (default: a daemon thread of the breaker's own with a bounded queue). */
    public Builder listenerExecutor(Executor executor) {
      this.listenerExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Cohort profiles, to compare threshold sets live: each gets {@link Cohort#share()} of the 100
     * hash buckets, in order; the rest go to the default profile (this builder's config). Their
     * shares must add up to at most 100.
     */
    public Builder cohorts(List<Cohort> cohorts) {
      int total = 0;
      java.util.Set<String> names = new java.util.HashSet<>();
      for (Cohort c : cohorts) {
        total += c.share();
        if (!names.add(c.name())) {
          throw new IllegalArgumentException("cohort names must differ; '" + c.name() + "' appears twice");
        }
      }
      if (total > 100) {
        throw new IllegalArgumentException("cohort shares must add up to at most 100, were " + total);
      }
      this.cohorts.clear();
      this.cohorts.addAll(cohorts);
      return this;
    }

    /** Adds a listener. */
    public Builder addListener(TransitionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Builds the breaker; call {@link MemoryBreaker#start()} to begin sampling. */
    public MemoryBreaker build() {
      return new MemoryBreaker(this);
    }
  }
}
