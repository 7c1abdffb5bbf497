package dev.membreaker.breaker;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.memory.Dimension;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The shared memory-watermark breaker: one per JVM, consulted by every server that protects itself
 * with it.
 *
 * <p>Design. Every call reads one immutable snapshot, the published {@link Admission}: one volatile
 * read, no lock, no allocation, no clock or MXBean read. The snapshot carries everything a reader
 * may want at once (state, override, config and its version, cohorts' tables, a sequence number),
 * and it changes only by one compare-and-set in one method ({@link #publish}), whose change
 * function derives the next snapshot from the current one and has no side effects; only the thread
 * whose swap wins announces what changed. So a sample, an override, a config update and a stalled
 * sampler can never publish over one another: the sequence only goes up, and an override or config,
 * once its call has returned, is in every later snapshot until changed.
 *
 * <p>The work is done by named parts, all package-private: the {@link Sampler} (the threads and
 * their cadence), the {@link Engine} (one sample: sources, signals, each profile's {@link Grader}
 * and {@link StateMachine}), the {@link TransitionBus} (listeners), the {@link TransitionLog} and
 * {@link SampleHistory}. Only the engine's own state is single-writer by a lock held while a sample
 * is taken: the sampler thread is its writer, or a test that drives the breaker without threads.
 *
 * <p>Thread-safe. Tests drive it without threads: build it with fake sources and a fake ticker, do
 * not call {@link #start()}, and call {@link #evaluateNow()} and {@link #checkSamplerNow()}.
 */
public final class MemoryBreaker implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());
  private static final VarHandle CURRENT;

  static {
    try {
      CURRENT =
          MethodHandles.lookup().findVarHandle(MemoryBreaker.class, "current", Admission.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** One publication: the snapshot replaced and the one that replaced it. */
  private record Swap(Admission before, Admission after) {}

  /** The longest an override may be set for (its expiry is kept in nanoseconds of the ticker). */
  static final Duration MAX_OVERRIDE_TTL = Duration.ofDays(100 * 365);

  private final List<MemorySource> sources;
  private final Ticker ticker;
  private final Clock clock;
  private final List<Cohort> cohorts;
  private final int[]
      cohortBuckets; // bucket (0..99) -> cohort index + 1, 0 for the default profile
  private final ReentrantLock sampleLock = new ReentrantLock();

  @GuardedBy("sampleLock")
  private final Engine engine;

  private final SampleHistory history;
  private final TransitionLog transitions = new TransitionLog();
  private final TransitionBus bus;
  private final Sampler sampler;
  // Read once per call: a plain volatile field, one load fewer than an AtomicReference.
  private volatile Admission current;
  private volatile boolean stallLogged;
  private final InFlightBytes inFlight;
  private final CallDemand demand = new CallDemand();
  private final Duration startCgroupReadInterval; // start-only: the sources were built with it

  private MemoryBreaker(Builder b) {
    this.ticker = b.ticker;
    this.clock = b.clock;
    this.startCgroupReadInterval = b.config.cgroupReadInterval();
    this.inFlight =
        new InFlightBytes(
            b.maxDirectMemory > 0 ? b.maxDirectMemory : MemorySources.maxDirectMemory(), b.config);
    List<MemorySource> given =
        new ArrayList<>(
            b.sources != null
                ? b.sources
                : MemorySources.jvm(b.ticker, b.config.cgroupReadInterval()));
    if (given.stream().noneMatch(s -> s.dimension() == Dimension.IN_FLIGHT)) {
      given.add(inFlight.source());
    }
    this.sources = List.copyOf(given);
    this.cohorts = List.copyOf(b.cohorts);
    this.cohortBuckets = new int[100];
    int bucket = 0;
    for (int i = 0; i < cohorts.size(); i++) {
      for (int n = 0; n < cohorts.get(i).share(); n++) {
        cohortBuckets[bucket++] = i + 1;
      }
    }
    this.bus = new TransitionBus(b.listenerExecutor, b.listeners);
    this.history = new SampleHistory(b.sampleHistory);
    long now = ticker.read();
    Instant wallNow = clock.instant();
    this.engine = new Engine(sources, b.config, cohorts, history, demand, now, wallNow);
    this.current =
        snapshot(
            Judgement.initial(now, wallNow),
            engine.latestCohorts(),
            b.config,
            OverrideState.NONE,
            SamplerHealth.NOT_STARTED,
            now,
            1,
            "",
            0);
    this.sampler = new Sampler(this, ticker, b.config);
    for (MemorySource source : sources) {
      sampler.watch(source);
    }
    inFlight.onRise(sampler::wake);
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

  /**
   * The decision table of cohort {@code index} (0: the default profile, as {@link #admission()}).
   */
  public Admission admission(int cohortIndex) {
    return current.cohort(cohortIndex);
  }

  /**
   * Decides one call and counts it in the breaker's {@link #demand()} (unless CRITICAL): one
   * volatile read and one counter increment, no lock, no allocation. Code that decides through an
   * {@link Admission} directly counts its calls itself, as the interceptor does.
   */
  public Decision decide(Priority priority) {
    Decision d = current.decide(priority);
    if (priority != Priority.CRITICAL) {
      if (d == Decision.SHED) {
        demand.refused();
      } else {
        demand.admitted();
      }
    }
    return d;
  }

  /**
   * The account of bytes in flight that the interceptor's stream tracer keeps (see {@link
   * InFlightBytes}); one per breaker, shared by every interceptor that consults it.
   */
  public InFlightBytes inFlight() {
    return inFlight;
  }

  /**
   * The count of calls this breaker could refuse, admitted and refused: the interceptor counts
   * them, and the breaker reads their rates to judge whether what it refuses would refill memory
   * (see {@link CallDemand}). One per breaker, shared by every interceptor that consults it.
   */
  public CallDemand demand() {
    return demand;
  }

  /**
   * The published snapshot: the decision table in force and the status behind it (one volatile
   * read).
   */
  public Admission admission() {
    return current;
  }

  /**
   * Records the outcome of an admitted call for the outcome breaker. Never call it for calls the
   * breaker shed. Lock-free and allocation-free.
   *
   * @param grpcStatusCode the call's gRPC status code value (0 = OK)
   * @param latencyNanos how long the call took
   */
  // Without sampleLock: outcomes() reads a volatile, and the window records lock-free.
  @SuppressWarnings("GuardedBy")
  public void recordOutcome(int grpcStatusCode, long latencyNanos) {
    BreakerConfig c = current.config();
    long slowNanos = c.slowCallThresholdNanos();
    engine
        .outcomes()
        .record(c.isFailureCode(grpcStatusCode), slowNanos > 0 && latencyNanos >= slowNanos);
  }

  // ---------------------------------------------------------------- what operators see and steer

  /** What the breaker knows now. */
  public BreakerStatus status() {
    return current.status();
  }

  /**
   * The time source the breaker's timestamps ({@link BreakerStatus#openUntilNanos()}) come from.
   */
  public Ticker ticker() {
    return ticker;
  }

  /** The config in force (an update applies to the state machine at the next sample). */
  public BreakerConfig config() {
    return current.config();
  }

  /**
   * Replaces the config as a whole; the next sample evaluates under it. Returns the new version.
   */
  public long updateConfig(BreakerConfig next) {
    return updateConfig(next, 0);
  }

  /**
   * Replaces the config if its version is still {@code expectedVersion} (0: whatever it is),
   * atomically with respect to every other change; the sampler evaluates under it at once.
   *
   * @return the new version
   * @throws StaleConfigVersionException when the version has moved on
   */
  public long updateConfig(BreakerConfig next, long expectedVersion) {
    Objects.requireNonNull(next, "config");
    if (!next.cgroupReadInterval().equals(startCgroupReadInterval)) {
      throw new IllegalArgumentException(
          "cgroup_read_interval is read only when the breaker starts ("
              + startCgroupReadInterval
              + " now): it changes with a restart");
    }
    return update(next, expectedVersion, null);
  }

  /**
   * Applies a config read from the config file: as {@link #updateConfig(BreakerConfig)}, and it
   * clears {@link #lastConfigError()}, which only a good file does (an admin change made while the
   * file is broken leaves the file's error showing).
   */
  public long applyConfigFile(BreakerConfig next) {
    Objects.requireNonNull(next, "config");
    String note = "";
    if (!next.cgroupReadInterval().equals(startCgroupReadInterval)) {
      // Start-only: the rest applies, this key waits for a restart, and GetConfig keeps showing
      // the value in force.
      note =
          "cgroup_read_interval "
              + next.cgroupReadInterval()
              + " in the config file takes effect at the"
              + " next start; "
              + startCgroupReadInterval
              + " stays in force until then";
      next = next.toBuilder().cgroupReadInterval(startCgroupReadInterval).build();
      LOG.log(System.Logger.Level.WARNING, "membreaker: {0}", note);
    }
    return update(next, 0, note);
  }

  /**
   * @param fileError the file's error to show from now on; null keeps the one shown
   */
  private long update(BreakerConfig next, long expectedVersion, String fileError) {
    Objects.requireNonNull(next, "config");
    Swap swap =
        publish(
            a -> {
              long version = a.status().configVersion();
              if (expectedVersion != 0 && expectedVersion != version) {
                throw new StaleConfigVersionException(expectedVersion, version);
              }
              return a.republished(
                  a.status().overrideState(),
                  a.status().samplerHealth(),
                  next,
                  version + 1,
                  fileError != null ? fileError : a.lastConfigError());
            });
    long version = swap.after().status().configVersion();
    inFlight.apply(next);
    bus.announce(new ConfigChange(swap.before().config(), next, version, clock.instant()));
    sampler.wake();
    return version;
  }

  /** The version of the config in force; every update adds one. */
  public long configVersion() {
    return current.status().configVersion();
  }

  /**
   * Records that a config file was refused: the last good config stays in force and the message
   * shows in {@link #lastConfigError()} until a good file is applied ({@link #applyConfigFile}).
   */
  public void reportConfigError(String message) {
    Objects.requireNonNull(message, "message");
    publish(
        a ->
            a.republished(
                a.status().overrideState(),
                a.status().samplerHealth(),
                a.config(),
                a.status().configVersion(),
                message));
    LOG.log(
        System.Logger.Level.WARNING,
        "membreaker: config refused, the last good one stays: {0}",
        message);
  }

  /**
   * Clears {@link #lastConfigError()}: the file in force is whole again (same config, same
   * version).
   */
  public void clearConfigError() {
    if (current.lastConfigError().isEmpty()) {
      return;
    }
    publish(
        a ->
            a.republished(
                a.status().overrideState(),
                a.status().samplerHealth(),
                a.config(),
                a.status().configVersion(),
                ""));
  }

  /** The last refused config file's error, or "" since the last good one. */
  public String lastConfigError() {
    return current.lastConfigError();
  }

  /**
   * Replays the recent samples (up to the builder's {@code sampleHistory}) under {@code candidate}
   * in a state machine of its own. Changes nothing.
   */
  public Simulation simulate(BreakerConfig candidate) {
    Objects.requireNonNull(candidate, "candidate");
    SampleHistory.Copy copy = history.copy();
    return Replay.run(candidate, copy.nanos(), copy.readings(), clock.instant(), ticker.read());
  }

  /**
   * Sets an override, which wins over the breaker's own judgement at once: when this returns, it is
   * in every snapshot published after, until it is changed or expires.
   *
   * @param mode the override ({@link OverrideMode#NONE} clears it)
   * @param reason why, for the audit trail
   * @param ttl how long until it clears itself, or null for never; positive, at most 100 years
   */
  public void setOverride(OverrideMode mode, String reason, Duration ttl) {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(reason, "reason");
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new IllegalArgumentException("override ttl must be positive, was " + ttl);
    }
    if (ttl != null && ttl.compareTo(MAX_OVERRIDE_TTL) > 0) {
      throw new IllegalArgumentException(
          "override ttl must be at most "
              + MAX_OVERRIDE_TTL.toDays()
              + " days (null: no expiry), was "
              + ttl);
    }
    long expires = 0;
    if (ttl != null && mode != OverrideMode.NONE) {
      expires = ticker.read() + ttl.toNanos();
      if (expires == 0) {
        expires = 1;
      }
    }
    OverrideState next =
        mode == OverrideMode.NONE ? OverrideState.NONE : new OverrideState(mode, reason, expires);
    Swap swap =
        publish(
            a ->
                a.republished(
                    next,
                    a.status().samplerHealth(),
                    a.config(),
                    a.status().configVersion(),
                    a.lastConfigError()));
    OverrideMode before = swap.before().status().override();
    LOG.log(
        System.Logger.Level.INFO, "membreaker: override {0} -> {1} ({2})", before, mode, reason);
    bus.announce(new OverrideChange(before, mode, reason, expires, clock.instant()));
    if (expires != 0) {
      sampler.wake(); // so that its wait ends at the expiry
    }
  }

  /** The most recent transitions, oldest first (at most {@code transition_history}). */
  public List<TransitionEvent> recentTransitions() {
    return transitions.recent();
  }

  /** Adds a listener of transitions and override changes. */
  public void addListener(TransitionListener listener) {
    bus.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(TransitionListener listener) {
    bus.remove(listener);
  }

  /** Events dropped because the listener queue was full. */
  public long droppedEvents() {
    return bus.dropped();
  }

  /** Listener calls that threw. */
  public long listenerFailures() {
    return bus.failures();
  }

  // ---------------------------------------------------------------- sampling

  /** Starts the sampler and watchdog daemon threads (see {@link Sampler}). Idempotent. */
  public MemoryBreaker start() {
    sampler.start();
    return this;
  }

  /**
   * Takes one sample and evaluates it on the calling thread. The sampler thread calls this; tests
   * call it directly, with a fake ticker and fake sources, instead of starting the thread.
   */
  public void evaluateNow() {
    sampleNow();
  }

  /** One sample, published; returns the snapshot it published. */
  Admission sampleNow() {
    sampleLock.lock();
    try {
      long now = ticker.read();
      Instant wallNow = clock.instant();
      Engine.Evaluation e = engine.evaluate(now, wallNow, current.config());
      Swap swap =
          publish(
              a -> {
                OverrideState o = a.status().overrideState();
                if (o.expiresAtNanos() != 0 && now - o.expiresAtNanos() >= 0) {
                  o = OverrideState.NONE;
                }
                return snapshot(
                    e.main(),
                    e.cohorts(),
                    a.config(),
                    o,
                    SamplerHealth.RUNNING,
                    now,
                    a.status().configVersion(),
                    a.lastConfigError(),
                    a.status().sequence() + 1);
              });
      announceSample(swap, e);
      sampler.sampled(now, swap.after(), engine.outcomes());
      return swap.after();
    } finally {
      sampleLock.unlock();
    }
  }

  private void announceSample(Swap swap, Engine.Evaluation e) {
    BreakerStatus before = swap.before().status();
    BreakerStatus after = swap.after().status();
    if (before.override() != OverrideMode.NONE && after.override() == OverrideMode.NONE) {
      LOG.log(System.Logger.Level.INFO, "membreaker: override {0} expired", before.override());
      bus.announce(
          new OverrideChange(before.override(), OverrideMode.NONE, "expired", 0, clock.instant()));
    }
    if (before.samplerHealth() == SamplerHealth.STALLED) {
      stallLogged = false;
      LOG.log(System.Logger.Level.INFO, "membreaker: the sampler is running again");
    }
    Judgement.Step step = e.main().step();
    if (step != null) {
      TransitionEvent event =
          new TransitionEvent(
              step.from(),
              step.to(),
              step.cause(),
              after.override(),
              after.drivingDimension(),
              after.pressure(),
              after.signals(),
              e.config(),
              e.nanos(),
              e.main().since(),
              after.liveSet());
      transitions.add(event, e.config().transitionHistory());
      LOG.log(System.Logger.Level.INFO, "membreaker: {0}", event);
      bus.announce(event);
    }
  }

  /**
   * The watchdog's check, on the calling thread: if the sampler is overdue (no sample for {@code
   * stall_intervals} intervals, see {@link Sampler}), the breaker fails open. The watchdog thread
   * calls this; tests call it directly.
   */
  public void checkSamplerNow() {
    long quiet = sampler.quietNanos(ticker.read());
    if (quiet <= sampler.stallNanos(current.config())) {
      return;
    }
    Swap swap =
        publish(
            a ->
                a.status().samplerHealth() == SamplerHealth.STALLED
                    ? a
                    : a.republished(
                        a.status().overrideState(),
                        SamplerHealth.STALLED,
                        a.config(),
                        a.status().configVersion(),
                        a.lastConfigError()));
    if (swap.before() != swap.after() && !stallLogged) {
      stallLogged = true;
      LOG.log(
          System.Logger.Level.WARNING,
          "membreaker: no memory sample for {0} ms; admitting every call until sampling resumes",
          quiet / 1_000_000);
    }
  }

  /**
   * The one place the snapshot changes: {@code change} derives the next snapshot from the current
   * one (it must have no side effects: it may run more than once), and the swap is retried until no
   * other writer came in between. Returning the current snapshot itself publishes nothing.
   */
  private Swap publish(UnaryOperator<Admission> change) {
    while (true) {
      Admission before = current;
      Admission after = change.apply(before);
      if (after == before || CURRENT.compareAndSet(this, before, after)) {
        return new Swap(before, after);
      }
    }
  }

  private Admission snapshot(
      Judgement main,
      List<Judgement> cohortJudgements,
      BreakerConfig config,
      OverrideState override,
      SamplerHealth health,
      long now,
      long configVersion,
      String configError,
      long sequence) {
    Admission[] tables = new Admission[cohortJudgements.size()];
    for (int i = 0; i < tables.length; i++) {
      tables[i] =
          Admission.of(
              BreakerStatus.of(
                  cohortJudgements.get(i),
                  OverrideState.NONE,
                  health,
                  now,
                  configVersion,
                  sequence),
              cohorts.get(i).config());
    }
    return Admission.of(
        BreakerStatus.of(main, override, health, now, configVersion, sequence),
        config,
        tables,
        configError);
  }

  /** Stops the threads and releases the sources (GC listeners, open cgroup files). */
  @Override
  public void close() {
    sampler.close();
    for (MemorySource source : sources) {
      source.close();
    }
    bus.close();
  }

  /** Test hook: the sampler's cadence and wake rule as of the latest sample. */
  Sampler samplerForTest() {
    return sampler;
  }

  /** Test hook: the outcome window's call count. */
  @SuppressWarnings("GuardedBy") // as in recordOutcome
  int outcomeCallsForTest() {
    return engine.outcomes().calls();
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
    private long maxDirectMemory;
    private final List<Cohort> cohorts = new ArrayList<>();

    private Builder() {}

    /**
     * Samples kept for {@link MemoryBreaker#simulate} (1 to 100,000; default 2400, 2 min at 50 ms).
     */
    public Builder sampleHistory(int samples) {
      if (samples < 1 || samples > 100_000) {
        throw new IllegalArgumentException("sample_history must be in [1, 100000], was " + samples);
      }
      this.sampleHistory = samples;
      return this;
    }

    /**
     * What an in-flight budget given as a share is a share of (default: the JVM's maximum direct
     * memory, see {@link MemorySources#maxDirectMemory()}).
     */
    public Builder maxDirectMemory(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("max_direct_memory must be positive, was " + bytes);
      }
      this.maxDirectMemory = bytes;
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

    /**
     * Where listeners run (default: a daemon thread of the breaker's own with a bounded queue). A
     * direct executor ({@code Runnable::run}) runs them on the sampling thread, inside the sample
     * lock: for tests, with listeners that neither block nor sample.
     */
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
          throw new IllegalArgumentException(
              "cohort names must differ; '" + c.name() + "' appears twice");
        }
      }
      if (total > 100) {
        throw new IllegalArgumentException(
            "cohort shares must add up to at most 100, were " + total);
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
