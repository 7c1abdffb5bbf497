package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every threshold and timing of the breaker. Immutable and thread-safe; built by {@link Builder},
 * which refuses each bad value as it is set with a message naming the field and the value, and
 * checks the rules between fields (watermarks in order, horizons in order) in {@link
 * Builder#build()}. Derive a changed copy with {@link #toBuilder()}.
 *
 * <p>Field names in messages are the keys of the configuration file.
 */
public final class BreakerConfig {

  /**
   * gRPC status codes counted as failures by default: UNKNOWN, DEADLINE_EXCEEDED, INTERNAL,
   * UNAVAILABLE.
   */
  public static final Set<Integer> DEFAULT_FAILURE_CODES = Set.of(2, 4, 13, 14);

  private static final BreakerConfig DEFAULTS = new Builder().build();

  /** {@code max_queued_bytes_per_call: auto}: a sixteenth of the in-flight budget. */
  public static final long QUEUE_LIMIT_AUTO = -1;

  /** {@code max_queued_bytes_per_call: off}: no call is ended for what its client leaves unread. */
  public static final long QUEUE_LIMIT_OFF = 0;

  private final double warning;
  private final double degraded;
  private final double open;
  private final double recover;
  private final double emergency;
  private final int emergencyCollections;
  private final double criticalCap;
  private final Duration sampleInterval;
  private final Duration cgroupReadInterval;
  private final int stallIntervals;
  private final int windowSize;
  private final double ewmaAlpha;
  private final Duration growthBaselineWindow;
  private final int growthBaselineMinSamples;
  private final double occupancyFloor;
  private final double growthWarningFactor;
  private final double growthMinRate;
  private final int growthOpenSamples;
  private final Duration exhaustionWarningHorizon;
  private final Duration exhaustionOpenHorizon;
  private final int recoverSamples;
  private final Duration recoverTime;
  private final ConfirmGc confirmGc;
  private final double confirmPauseBudget;
  private final Duration openMin;
  private final Duration openMax;
  private final Duration halfOpenRamp;
  private final double halfOpenProbeShare;
  private final Set<Dimension> dimensions;
  private final int outcomeWindow;
  private final int outcomeMinCalls;
  private final double failureRateThreshold;
  private final int consecutiveFailures;
  private final Duration slowCallThreshold;
  private final double slowCallRateThreshold;
  private final Set<Integer> failureCodes;
  private final int transitionHistory;
  private final double inFlightBudgetShare;
  private final long inFlightBudgetBytes;
  private final long maxQueuedBytesPerCall;
  private final int failureCodeMask;
  private final long slowCallThresholdNanos;

  private BreakerConfig(Builder b) {
    warning = b.warning;
    degraded = b.degraded;
    open = b.open;
    recover = b.recover;
    emergency = b.emergency;
    emergencyCollections = b.emergencyCollections;
    criticalCap = b.criticalCap;
    sampleInterval = b.sampleInterval;
    cgroupReadInterval = b.cgroupReadInterval;
    stallIntervals = b.stallIntervals;
    windowSize = b.windowSize;
    ewmaAlpha = b.ewmaAlpha;
    growthBaselineWindow = b.growthBaselineWindow;
    growthBaselineMinSamples = b.growthBaselineMinSamples;
    occupancyFloor = b.occupancyFloor;
    growthWarningFactor = b.growthWarningFactor;
    growthMinRate = b.growthMinRate;
    growthOpenSamples = b.growthOpenSamples;
    exhaustionWarningHorizon = b.exhaustionWarningHorizon;
    exhaustionOpenHorizon = b.exhaustionOpenHorizon;
    recoverSamples = b.recoverSamples;
    recoverTime = b.recoverTime;
    confirmGc = b.confirmGc;
    confirmPauseBudget = b.confirmPauseBudget;
    openMin = b.openMin;
    openMax = b.openMax;
    halfOpenRamp = b.halfOpenRamp;
    halfOpenProbeShare = b.halfOpenProbeShare;
    dimensions = Collections.unmodifiableSet(EnumSet.copyOf(b.dimensions));
    outcomeWindow = b.outcomeWindow;
    outcomeMinCalls = b.outcomeMinCalls;
    failureRateThreshold = b.failureRateThreshold;
    consecutiveFailures = b.consecutiveFailures;
    slowCallThreshold = b.slowCallThreshold;
    slowCallRateThreshold = b.slowCallRateThreshold;
    failureCodes = Collections.unmodifiableSet(new TreeSet<>(b.failureCodes));
    transitionHistory = b.transitionHistory;
    inFlightBudgetShare = b.inFlightBudgetShare;
    inFlightBudgetBytes = b.inFlightBudgetBytes;
    maxQueuedBytesPerCall = b.maxQueuedBytesPerCall;
    int mask = 0;
    for (int code : failureCodes) {
      mask |= 1 << code;
    }
    failureCodeMask = mask;
    slowCallThresholdNanos = slowCallThreshold.toNanos();
  }

  /** {@link #slowCallThreshold()} in nanoseconds (0 = off), precomputed for the call path. */
  public long slowCallThresholdNanos() {
    return slowCallThresholdNanos;
  }

  /** Whether a call that ended with this gRPC status code value is a failure; allocation-free. */
  public boolean isFailureCode(int code) {
    return code >= 0 && code < 32 && (failureCodeMask & (1 << code)) != 0;
  }

  /** The defaults: warning 0.70, degraded 0.80, open 0.90, recover 0.65, emergency 0.97, ... */
  public static BreakerConfig defaults() {
    return DEFAULTS;
  }

  /** A builder holding the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values, to derive a changed copy. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Pressure at which HEALTHY becomes WARNING. */
  public double warning() {
    return warning;
  }

  /** Pressure at which the breaker becomes DEGRADED. */
  public double degraded() {
    return degraded;
  }

  /** Pressure at which the breaker opens. */
  public double open() {
    return open;
  }

  /** Pressure below which, for {@link #recoverSamples()} samples, the breaker recovers. */
  public double recover() {
    return recover;
  }

  /** Raw heap used at which, kept across {@link #emergencyCollections()} GCs, the breaker opens. */
  public double emergency() {
    return emergency;
  }

  /** Collections the raw heap must stay at the emergency watermark across. */
  public int emergencyCollections() {
    return emergencyCollections;
  }

  /** In OPEN, CRITICAL calls are admitted only while pressure is below this. */
  public double criticalCap() {
    return criticalCap;
  }

  /**
   * How often the sampler samples while anything is near a watermark or the breaker is not HEALTHY;
   * while calm it samples every ten intervals (at most a second), and a GC notification near a
   * watermark wakes it at once.
   */
  public Duration sampleInterval() {
    return sampleInterval;
  }

  /** How often cgroup files are read (they cost far more than MXBean reads). */
  public Duration cgroupReadInterval() {
    return cgroupReadInterval;
  }

  /**
   * Intervals without a sample after which the sampler counts as stalled (while calm, two calm
   * waits if that is longer).
   */
  public int stallIntervals() {
    return stallIntervals;
  }

  /** Samples in each dimension's sliding window. */
  public int windowSize() {
    return windowSize;
  }

  /** Weight of each new sample in the pressure EWMA. */
  public double ewmaAlpha() {
    return ewmaAlpha;
  }

  /** How far back the growth-rate P95/P99 baseline reaches. */
  public Duration growthBaselineWindow() {
    return growthBaselineWindow;
  }

  /** Observations (one a second) the growth baseline needs before growth can trip anything. */
  public int growthBaselineMinSamples() {
    return growthBaselineMinSamples;
  }

  /** Live-set occupancy below which growth and exhaustion projections are ignored. */
  public double occupancyFloor() {
    return occupancyFloor;
  }

  /** Growth at or above this multiple of its P95 is a WARNING. */
  public double growthWarningFactor() {
    return growthWarningFactor;
  }

  /**
   * Growth slower than this fraction of the limit per second never alarms, however it compares to
   * its baseline: a live set flat for ten minutes has a baseline near zero, and the first small
   * step would otherwise look like a surge.
   */
  public double growthMinRate() {
    return growthMinRate;
  }

  /**
   * Samples in a row that growth ≥ P99 (or a projection under the open horizon) must last to open.
   */
  public int growthOpenSamples() {
    return growthOpenSamples;
  }

  /** A projected time to exhaustion below this is a WARNING; zero turns it off. */
  public Duration exhaustionWarningHorizon() {
    return exhaustionWarningHorizon;
  }

  /** A projected time to exhaustion below this opens the breaker; zero turns it off. */
  public Duration exhaustionOpenHorizon() {
    return exhaustionOpenHorizon;
  }

  /** Consecutive samples below recover needed to leave a level. */
  public int recoverSamples() {
    return recoverSamples;
  }

  /**
   * How long the recover condition must hold, beyond its samples, before the breaker falls; it
   * doubles while the breaker flaps (rises again within 10 s of recovering), up to 16 s.
   */
  public Duration recoverTime() {
    return recoverTime;
  }

  /** When confirming collections may run. */
  public ConfirmGc confirmGc() {
    return confirmGc;
  }

  /**
   * The share of wall time, over any minute, that the breaker's own stop-the-world collections
   * (confirming and refreshing ones on G1, Parallel and Serial) may take, their predicted pause
   * included before each runs. The key {@code confirm_pause_budget}.
   */
  public double confirmPauseBudget() {
    return confirmPauseBudget;
  }

  /** The shortest time OPEN holds. */
  public Duration openMin() {
    return openMin;
  }

  /** The cap of OPEN's time as relapses double it. */
  public Duration openMax() {
    return openMax;
  }

  /** How long HALF_OPEN's admitted share takes to rise from the probe share to all calls. */
  public Duration halfOpenRamp() {
    return halfOpenRamp;
  }

  /** The share of non-critical calls admitted when HALF_OPEN begins. */
  public double halfOpenProbeShare() {
    return halfOpenProbeShare;
  }

  /** The dimensions the breaker reads. */
  public Set<Dimension> dimensions() {
    return dimensions;
  }

  /** The outcome breaker counts the last this many calls. */
  public int outcomeWindow() {
    return outcomeWindow;
  }

  /** Calls the outcome window needs before a rate can trip. */
  public int outcomeMinCalls() {
    return outcomeMinCalls;
  }

  /** Failure rate over the outcome window at which the breaker opens. */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /** Failures in a row that open the breaker; 0 is off. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** A call slower than this counts as slow; zero turns slow-call counting off. */
  public Duration slowCallThreshold() {
    return slowCallThreshold;
  }

  /** Slow-call ratio over the outcome window at which the breaker opens. */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /** gRPC status code values that count as failures. */
  public Set<Integer> failureCodes() {
    return failureCodes;
  }

  /** How many recent transitions the breaker remembers. */
  public int transitionHistory() {
    return transitionHistory;
  }

  /**
   * The in-flight budget as a share of the maximum direct memory; applies when {@link
   * #inFlightBudgetBytes()} is 0.
   */
  public double inFlightBudgetShare() {
    return inFlightBudgetShare;
  }

  /** The in-flight budget in bytes; 0 means {@link #inFlightBudgetShare()} of direct memory. */
  public long inFlightBudgetBytes() {
    return inFlightBudgetBytes;
  }

  /** The in-flight budget in bytes, given the maximum direct memory. */
  public long inFlightBudget(long maxDirectMemory) {
    return inFlightBudgetBytes > 0
        ? inFlightBudgetBytes
        : (long) (inFlightBudgetShare * maxDirectMemory);
  }

  /**
   * Response bytes one call may have queued for a client that does not read them before the call is
   * ended with RESOURCE_EXHAUSTED, as configured: {@link #QUEUE_LIMIT_AUTO}, {@link
   * #QUEUE_LIMIT_OFF} or a number of bytes.
   */
  public long maxQueuedBytesPerCall() {
    return maxQueuedBytesPerCall;
  }

  /**
   * The per-call queue limit in bytes under an in-flight budget of {@code budget} bytes: with
   * {@link #QUEUE_LIMIT_AUTO}, a sixteenth of the budget; 0 when off.
   */
  public long maxQueuedBytesPerCall(long budget) {
    return maxQueuedBytesPerCall == QUEUE_LIMIT_AUTO
        ? Math.max(1, budget / 16)
        : maxQueuedBytesPerCall;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BreakerConfig && toString().equals(o.toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("BreakerConfig{");
    values()
        .forEach(
            (key, value) ->
                b.append(b.length() > 14 ? ", " : "").append(key).append('=').append(value));
    return b.append('}').toString();
  }

  /**
   * Every key, by the name the config file, the admin API and the docs use, in the order of the
   * docs, with its value as text. The one list of the keys: {@link #toString()}, equality and
   * GetConfig's per-key sources follow from it, and {@code ConfigKeysTest} fails when the file's
   * keys, the admin proto or the docs table differ from it.
   */
  public java.util.Map<String, String> values() {
    java.util.Map<String, String> v = new java.util.LinkedHashMap<>();
    v.put("warning", Double.toString(warning));
    v.put("degraded", Double.toString(degraded));
    v.put("open", Double.toString(open));
    v.put("recover", Double.toString(recover));
    v.put("emergency", Double.toString(emergency));
    v.put("emergency_collections", Integer.toString(emergencyCollections));
    v.put("critical_cap", Double.toString(criticalCap));
    v.put("sample_interval", sampleInterval.toString());
    v.put("cgroup_read_interval", cgroupReadInterval.toString());
    v.put("stall_intervals", Integer.toString(stallIntervals));
    v.put("window_size", Integer.toString(windowSize));
    v.put("ewma_alpha", Double.toString(ewmaAlpha));
    v.put("growth_baseline_window", growthBaselineWindow.toString());
    v.put("growth_baseline_min_samples", Integer.toString(growthBaselineMinSamples));
    v.put("occupancy_floor", Double.toString(occupancyFloor));
    v.put("growth_warning_factor", Double.toString(growthWarningFactor));
    v.put("growth_min_rate", Double.toString(growthMinRate));
    v.put("growth_open_samples", Integer.toString(growthOpenSamples));
    v.put("exhaustion_warning_horizon", exhaustionWarningHorizon.toString());
    v.put("exhaustion_open_horizon", exhaustionOpenHorizon.toString());
    v.put("recover_samples", Integer.toString(recoverSamples));
    v.put("recover_time", recoverTime.toString());
    v.put("confirm_gc", confirmGc.toString());
    v.put("confirm_pause_budget", Double.toString(confirmPauseBudget));
    v.put("open_min", openMin.toString());
    v.put("open_max", openMax.toString());
    v.put("half_open_ramp", halfOpenRamp.toString());
    v.put("half_open_probe_share", Double.toString(halfOpenProbeShare));
    v.put("outcome_window", Integer.toString(outcomeWindow));
    v.put("outcome_min_calls", Integer.toString(outcomeMinCalls));
    v.put("failure_rate_threshold", Double.toString(failureRateThreshold));
    v.put("consecutive_failures", Integer.toString(consecutiveFailures));
    v.put("slow_call_threshold", slowCallThreshold.toString());
    v.put("slow_call_rate_threshold", Double.toString(slowCallRateThreshold));
    v.put("failure_codes", failureCodes.toString());
    v.put("transition_history", Integer.toString(transitionHistory));
    v.put(
        "in_flight_budget",
        inFlightBudgetBytes > 0 ? inFlightBudgetBytes + "B" : Double.toString(inFlightBudgetShare));
    v.put(
        "max_queued_bytes_per_call",
        maxQueuedBytesPerCall == QUEUE_LIMIT_AUTO
            ? "auto"
            : maxQueuedBytesPerCall == QUEUE_LIMIT_OFF
                ? "off"
                : Long.toString(maxQueuedBytesPerCall));
    java.util.List<String> ids = new java.util.ArrayList<>();
    dimensions.forEach(d -> ids.add(d.id()));
    v.put("dimensions", ids.toString());
    return v;
  }

  /** The keys read only when the breaker is built: a change needs a restart. */
  public static final java.util.Set<String> START_ONLY_KEYS =
      java.util.Set.of("cgroup_read_interval");

  /**
   * Builds a {@link BreakerConfig}. Each setter refuses a bad value at once with an {@link
   * IllegalArgumentException} naming the field and value; {@link #build()} checks the rules between
   * fields. Not thread-safe.
   */
  public static final class Builder {

    static final Duration MIN_INTERVAL = Duration.ofMillis(5);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(10);

    private double warning = 0.70;
    private double degraded = 0.80;
    private double open = 0.90;
    private double recover = 0.65;
    private double emergency = 0.97;
    private int emergencyCollections = 2;
    private double criticalCap = 0.95;
    private Duration sampleInterval = Duration.ofMillis(50);
    private Duration cgroupReadInterval = Duration.ofMillis(500);
    private int stallIntervals = 10;
    private int windowSize = 64;
    private double ewmaAlpha = 0.2;
    private Duration growthBaselineWindow = Duration.ofMinutes(10);
    private int growthBaselineMinSamples = 60;
    private double occupancyFloor = 0.5;
    private double growthWarningFactor = 0.8;
    private double growthMinRate = 0.01;
    private int growthOpenSamples = 3;
    private Duration exhaustionWarningHorizon = Duration.ofSeconds(30);
    private Duration exhaustionOpenHorizon = Duration.ofSeconds(10);
    private int recoverSamples = 5;
    private Duration recoverTime = Duration.ofMillis(500);
    private ConfirmGc confirmGc = ConfirmGc.AUTO;
    private double confirmPauseBudget = 0.01;
    private Duration openMin = Duration.ofSeconds(5);
    private Duration openMax = Duration.ofSeconds(60);
    private Duration halfOpenRamp = Duration.ofSeconds(10);
    private double halfOpenProbeShare = 0.1;
    private Set<Dimension> dimensions = EnumSet.allOf(Dimension.class);
    private int outcomeWindow = 100;
    private int outcomeMinCalls = 20;
    private double failureRateThreshold = 0.5;
    private int consecutiveFailures = 0;
    private Duration slowCallThreshold = Duration.ZERO;
    private double slowCallRateThreshold = 1.0;
    private Set<Integer> failureCodes = DEFAULT_FAILURE_CODES;
    private int transitionHistory = 64;
    private double inFlightBudgetShare = 0.25;
    private long inFlightBudgetBytes = 0;
    private long maxQueuedBytesPerCall = QUEUE_LIMIT_AUTO;

    private Builder() {}

    private Builder(BreakerConfig c) {
      warning = c.warning;
      degraded = c.degraded;
      open = c.open;
      recover = c.recover;
      emergency = c.emergency;
      emergencyCollections = c.emergencyCollections;
      criticalCap = c.criticalCap;
      sampleInterval = c.sampleInterval;
      cgroupReadInterval = c.cgroupReadInterval;
      stallIntervals = c.stallIntervals;
      windowSize = c.windowSize;
      ewmaAlpha = c.ewmaAlpha;
      growthBaselineWindow = c.growthBaselineWindow;
      growthBaselineMinSamples = c.growthBaselineMinSamples;
      occupancyFloor = c.occupancyFloor;
      growthWarningFactor = c.growthWarningFactor;
      growthMinRate = c.growthMinRate;
      growthOpenSamples = c.growthOpenSamples;
      exhaustionWarningHorizon = c.exhaustionWarningHorizon;
      exhaustionOpenHorizon = c.exhaustionOpenHorizon;
      recoverSamples = c.recoverSamples;
      recoverTime = c.recoverTime;
      confirmGc = c.confirmGc;
      confirmPauseBudget = c.confirmPauseBudget;
      openMin = c.openMin;
      openMax = c.openMax;
      halfOpenRamp = c.halfOpenRamp;
      halfOpenProbeShare = c.halfOpenProbeShare;
      dimensions = c.dimensions;
      outcomeWindow = c.outcomeWindow;
      outcomeMinCalls = c.outcomeMinCalls;
      failureRateThreshold = c.failureRateThreshold;
      consecutiveFailures = c.consecutiveFailures;
      slowCallThreshold = c.slowCallThreshold;
      slowCallRateThreshold = c.slowCallRateThreshold;
      failureCodes = c.failureCodes;
      transitionHistory = c.transitionHistory;
      inFlightBudgetShare = c.inFlightBudgetShare;
      inFlightBudgetBytes = c.inFlightBudgetBytes;
      maxQueuedBytesPerCall = c.maxQueuedBytesPerCall;
    }

    /** Pressure in (0, 1] at which HEALTHY becomes WARNING (default 0.70). */
    public Builder warning(double v) {
      warning = fraction("warning", v);
      return this;
    }

    /** Pressure in (0, 1] at which the breaker becomes DEGRADED (default 0.80). */
    public Builder degraded(double v) {
      degraded = fraction("degraded", v);
      return this;
    }

    /** Pressure in (0, 1] at which the breaker opens (default 0.90). */
    public Builder open(double v) {
      open = fraction("open", v);
      return this;
    }

    /** Pressure in (0, 1], below warning, under which the breaker recovers (default 0.65). */
    public Builder recover(double v) {
      recover = fraction("recover", v);
      return this;
    }

    /** Raw heap used in (0, 1] for the emergency level (default 0.97). */
    public Builder emergency(double v) {
      emergency = fraction("emergency", v);
      return this;
    }

    /** Collections (1 to 100) raw heap must stay at the emergency watermark across (default 2). */
    public Builder emergencyCollections(int v) {
      emergencyCollections = range("emergency_collections", v, 1, 100);
      return this;
    }

    /** In OPEN, CRITICAL calls are admitted below this pressure, in (0, 1] (default 0.95). */
    public Builder criticalCap(double v) {
      criticalCap = fraction("critical_cap", v);
      return this;
    }

    /** Sampling interval, 5 ms to 10 s (default 50 ms). */
    public Builder sampleInterval(Duration v) {
      sampleInterval = duration("sample_interval", v, MIN_INTERVAL, MAX_INTERVAL);
      return this;
    }

    /** Interval of cgroup file reads, 5 ms to 60 s (default 500 ms). */
    public Builder cgroupReadInterval(Duration v) {
      cgroupReadInterval =
          duration("cgroup_read_interval", v, MIN_INTERVAL, Duration.ofSeconds(60));
      return this;
    }

    /** Intervals (2 to 1000) without a sample before the sampler counts as stalled (default 10). */
    public Builder stallIntervals(int v) {
      stallIntervals = range("stall_intervals", v, 2, 1000);
      return this;
    }

    /** Samples (2 to 4096) in each sliding window (default 64). */
    public Builder windowSize(int v) {
      windowSize = range("window_size", v, 2, 4096);
      return this;
    }

    /** EWMA weight of a new sample, in (0, 1] (default 0.2). */
    public Builder ewmaAlpha(double v) {
      ewmaAlpha = fraction("ewma_alpha", v);
      return this;
    }

    /** Reach of the growth baseline, 10 s to 24 h (default 10 min). */
    public Builder growthBaselineWindow(Duration v) {
      growthBaselineWindow =
          duration("growth_baseline_window", v, Duration.ofSeconds(10), Duration.ofHours(24));
      return this;
    }

    /** Baseline observations (1 to 86400) needed before growth can trip (default 60). */
    public Builder growthBaselineMinSamples(int v) {
      growthBaselineMinSamples = range("growth_baseline_min_samples", v, 1, 86_400);
      return this;
    }

    /** Live-set occupancy in [0, 1] under which growth is not an alarm (default 0.5). */
    public Builder occupancyFloor(double v) {
      occupancyFloor = check("occupancy_floor", v, v >= 0 && v <= 1, "in [0, 1]");
      return this;
    }

    /** Multiple of P95 growth, in (0, 100], that is a WARNING (default 0.8). */
    public Builder growthWarningFactor(double v) {
      growthWarningFactor = check("growth_warning_factor", v, v > 0 && v <= 100, "in (0, 100]");
      return this;
    }

    /**
     * Fraction of the limit per second, in [0, 1], below which growth never alarms (default 0.01).
     */
    public Builder growthMinRate(double v) {
      growthMinRate = check("growth_min_rate", v, v >= 0 && v <= 1, "in [0, 1]");
      return this;
    }

    /** Samples in a row (1 to 1000) that fast growth must last to open (default 3). */
    public Builder growthOpenSamples(int v) {
      growthOpenSamples = range("growth_open_samples", v, 1, 1000);
      return this;
    }

    /** Projected exhaustion below this is a WARNING; 0 to 1 h, zero is off (default 30 s). */
    public Builder exhaustionWarningHorizon(Duration v) {
      exhaustionWarningHorizon =
          duration("exhaustion_warning_horizon", v, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Projected exhaustion below this opens; 0 to 1 h, zero is off (default 10 s). */
    public Builder exhaustionOpenHorizon(Duration v) {
      exhaustionOpenHorizon =
          duration("exhaustion_open_horizon", v, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Samples (1 to 100000) below recover needed to leave a level (default 5). */
    public Builder recoverSamples(int v) {
      recoverSamples = range("recover_samples", v, 1, 100_000);
      return this;
    }

    /**
     * How long, 0 to 1 h, the recover condition must hold beyond its samples before the breaker
     * falls (default 500 ms); doubled while it flaps, up to 16 s. 0 turns the time (and the
     * doubling) off.
     */
    public Builder recoverTime(Duration v) {
      recoverTime = duration("recover_time", v, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** When confirming collections may run (default auto). */
    public Builder confirmGc(ConfirmGc v) {
      if (v == null) {
        throw new IllegalArgumentException(
            "confirm_gc must be auto, concurrent-only or off, not null");
      }
      confirmGc = v;
      return this;
    }

    /**
     * The share of wall time, over any minute, the breaker's own stop-the-world collections may
     * take, in [0, 0.5] (default 0.01). 0: none at all (concurrent ones still run).
     */
    public Builder confirmPauseBudget(double v) {
      confirmPauseBudget =
          check("confirm_pause_budget", v, v >= 0 && v <= 0.5, "a share of time in [0, 0.5]");
      return this;
    }

    /** Shortest time OPEN holds, 10 ms to 1 h (default 5 s). */
    public Builder openMin(Duration v) {
      openMin = duration("open_min", v, Duration.ofMillis(10), Duration.ofHours(1));
      return this;
    }

    /** Cap of OPEN's doubled time, 10 ms to 24 h (default 60 s). */
    public Builder openMax(Duration v) {
      openMax = duration("open_max", v, Duration.ofMillis(10), Duration.ofHours(24));
      return this;
    }

    /** HALF_OPEN's ramp from the probe share to all calls, 0 to 1 h (default 10 s). */
    public Builder halfOpenRamp(Duration v) {
      halfOpenRamp = duration("half_open_ramp", v, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Share of non-critical calls admitted when HALF_OPEN begins, in (0, 1] (default 0.1). */
    public Builder halfOpenProbeShare(double v) {
      halfOpenProbeShare = fraction("half_open_probe_share", v);
      return this;
    }

    /** The dimensions to read; at least one that drives levels (default all). */
    public Builder dimensions(Set<Dimension> v) {
      Objects.requireNonNull(v, "dimensions");
      if (v.stream().noneMatch(Dimension::drivesLevels)) {
        throw new IllegalArgumentException(
            "dimensions must include one that drives levels (heap_live, direct, container,"
                + " metaspace, container_psi, in_flight), was "
                + v);
      }
      dimensions = EnumSet.copyOf(v);
      return this;
    }

    /** Calls (1 to 100000) in the outcome window (default 100). */
    public Builder outcomeWindow(int v) {
      outcomeWindow = range("outcome_window", v, 1, 100_000);
      return this;
    }

    /** Calls (1 to 100000) the outcome window needs before rates trip (default 20). */
    public Builder outcomeMinCalls(int v) {
      outcomeMinCalls = range("outcome_min_calls", v, 1, 100_000);
      return this;
    }

    /** Failure rate in (0, 1] that opens the breaker (default 0.5). */
    public Builder failureRateThreshold(double v) {
      failureRateThreshold = fraction("failure_rate_threshold", v);
      return this;
    }

    /** Failures in a row (0 to 100000, 0 is off) that open the breaker (default off). */
    public Builder consecutiveFailures(int v) {
      consecutiveFailures = range("consecutive_failures", v, 0, 100_000);
      return this;
    }

    /** A call slower than this is slow; 0 to 1 h, zero is off (default off). */
    public Builder slowCallThreshold(Duration v) {
      slowCallThreshold = duration("slow_call_threshold", v, Duration.ZERO, Duration.ofHours(1));
      return this;
    }

    /** Slow-call ratio in (0, 1] that opens the breaker (default 1.0). */
    public Builder slowCallRateThreshold(double v) {
      slowCallRateThreshold = fraction("slow_call_rate_threshold", v);
      return this;
    }

    /**
     * gRPC status code values (1 to 16) that count as failures. OK (0) is refused. The breaker's
     * own RESOURCE_EXHAUSTED rejections are never recorded as outcomes, whatever this holds.
     */
    public Builder failureCodes(Set<Integer> v) {
      Objects.requireNonNull(v, "failure_codes");
      for (Integer code : v) {
        if (code == null || code < 1 || code > 16) {
          throw new IllegalArgumentException(
              "failure_codes must hold gRPC status codes 1 to 16, was " + code);
        }
      }
      failureCodes = Set.copyOf(v);
      return this;
    }

    /** Recent transitions (1 to 100000) the breaker remembers (default 64). */
    public Builder transitionHistory(int v) {
      transitionHistory = range("transition_history", v, 1, 100_000);
      return this;
    }

    /**
     * The budget of bytes in flight (request bytes received and not yet handed to the application,
     * response bytes queued for clients) as a share in (0, 1] of the maximum direct memory (default
     * 0.25). Clears a budget in bytes.
     */
    public Builder inFlightBudgetShare(double v) {
      inFlightBudgetShare = fraction("in_flight_budget", v);
      inFlightBudgetBytes = 0;
      return this;
    }

    /** The budget of bytes in flight in bytes, 1 B to 1 TiB; replaces the share. */
    public Builder inFlightBudgetBytes(long v) {
      inFlightBudgetBytes = bytes("in_flight_budget", v, 1, 1L << 40);
      return this;
    }

    /**
     * Response bytes one call may have queued for a client that does not read them before the call
     * is ended with RESOURCE_EXHAUSTED: 64 KiB to 1 TiB, {@link #QUEUE_LIMIT_OFF} or {@link
     * #QUEUE_LIMIT_AUTO} (the default: a sixteenth of the in-flight budget).
     */
    public Builder maxQueuedBytesPerCall(long v) {
      maxQueuedBytesPerCall =
          v == QUEUE_LIMIT_OFF || v == QUEUE_LIMIT_AUTO
              ? v
              : bytes("max_queued_bytes_per_call", v, 64 << 10, 1L << 40);
      return this;
    }

    /** Checks the rules between fields and builds the config. */
    public BreakerConfig build() {
      if (!(recover < warning && warning < degraded && degraded < open)) {
        throw new IllegalArgumentException(
            "watermarks must rise: recover ("
                + recover
                + ") < warning ("
                + warning
                + ") < degraded ("
                + degraded
                + ") < open ("
                + open
                + ")");
      }
      if (criticalCap < open) {
        throw new IllegalArgumentException(
            "critical_cap (" + criticalCap + ") must not be below open (" + open + ")");
      }
      if (emergency < open) {
        throw new IllegalArgumentException(
            "emergency (" + emergency + ") must not be below open (" + open + ")");
      }
      if (openMin.compareTo(openMax) > 0) {
        throw new IllegalArgumentException(
            "open_min (" + openMin + ") must not exceed open_max (" + openMax + ")");
      }
      if (!exhaustionOpenHorizon.isZero()
          && !exhaustionWarningHorizon.isZero()
          && exhaustionOpenHorizon.compareTo(exhaustionWarningHorizon) >= 0) {
        throw new IllegalArgumentException(
            "exhaustion_open_horizon ("
                + exhaustionOpenHorizon
                + ") must be shorter than exhaustion_warning_horizon ("
                + exhaustionWarningHorizon
                + ")");
      }
      if (outcomeMinCalls > outcomeWindow) {
        throw new IllegalArgumentException(
            "outcome_min_calls ("
                + outcomeMinCalls
                + ") must not exceed outcome_window ("
                + outcomeWindow
                + ")");
      }
      if (growthBaselineWindow.compareTo(Duration.ofSeconds(growthBaselineMinSamples)) < 0) {
        throw new IllegalArgumentException(
            "growth_baseline_window ("
                + growthBaselineWindow
                + ") must hold at least"
                + " growth_baseline_min_samples ("
                + growthBaselineMinSamples
                + ") one-second observations");
      }
      return new BreakerConfig(this);
    }

    private static double fraction(String field, double v) {
      return check(field, v, v > 0 && v <= 1, "a fraction in (0, 1]");
    }

    private static double check(String field, double v, boolean ok, String expected) {
      if (Double.isNaN(v) || !ok) {
        throw new IllegalArgumentException(field + " must be " + expected + ", was " + v);
      }
      return v;
    }

    private static long bytes(String field, long v, long min, long max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            field + " must be in [" + min + ", " + max + "] bytes, was " + v);
      }
      return v;
    }

    private static int range(String field, int v, int min, int max) {
      if (v < min || v > max) {
        throw new IllegalArgumentException(
            field + " must be in [" + min + ", " + max + "], was " + v);
      }
      return v;
    }

    private static Duration duration(String field, Duration v, Duration min, Duration max) {
      if (v == null) {
        throw new IllegalArgumentException(field + " must be set, was null");
      }
      if (v.compareTo(min) < 0 || v.compareTo(max) > 0) {
        throw new IllegalArgumentException(
            field + " must be in [" + min + ", " + max + "], was " + v);
      }
      return v;
    }
  }
}
