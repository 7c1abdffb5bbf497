package dev.membreaker.orca;

import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.TransitionListener;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.grpc.ShedCounters;
import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.services.MetricRecorder;
import io.grpc.xds.orca.OrcaMetricReportingServerInterceptor;
import io.grpc.xds.orca.OrcaServiceImpl;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Publishes a replica's memory pressure as ORCA load reports, the input of gRPC's {@code
 * weighted_round_robin} policy (gRFC A51, A58), so clients send less to a replica under pressure
 * before it has to shed:
 *
 * <ul>
 *   <li>{@code application_utilization}: calls per second scaled by the memory pressure, as {@link
 *       PressureUtilization} explains, so the weight the client computes is the replica's headroom
 *       (about 1/20 of a healthy one's while OPEN). {@code weighted_round_robin} reads this field
 *       first and falls back to {@code cpu_utilization} only when it is unset, which is why memory
 *       goes here and CPU is left to whoever measures it.
 *   <li>{@code memory_utilization}: the same pressure, unmapped, for dashboards and other policies.
 *   <li>{@code rps_fractional} and {@code eps}: calls per second the interceptor saw, and calls per
 *       second it shed; the policy's weight is {@code qps / (utilization + penalty * eps / qps)}.
 * </ul>
 *
 * <p>The values are refreshed on a timer ({@link Builder#period}, default 250 ms), and the
 * utilization also at once on every transition, into one {@link MetricRecorder}. Both report paths
 * read it: per call, the {@link #serverInterceptor()} adds the report to each call's trailers
 * (install it outermost, so calls the breaker sheds carry it too); out of band, the {@link
 * #oobService()} streams it to clients that ask (the policy's {@code enableOobLoadReport}).
 */
public final class OrcaPressureReporter implements AutoCloseable {

  private final MemoryBreaker breaker;
  private final ShedCounters counters;
  private volatile double qps; // written by the reporter's thread only
  private final PressureUtilization mapping;
  private final MetricRecorder recorder = MetricRecorder.newInstance();
  private final ScheduledExecutorService timer;
  private final Duration period;
  private final Duration oobMinInterval;
  private final TransitionListener onTransition;
  private long lastCalls;
  private long lastShed;
  private long lastNanos;

  private OrcaPressureReporter(Builder b) {
    this.breaker = b.breaker;
    this.counters = b.interceptor.counters();
    this.mapping = new PressureUtilization(b.floor, b.referenceQps);
    this.period = b.period;
    this.oobMinInterval = b.oobMinInterval;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "membreaker-orca");
              t.setDaemon(true);
              return t;
            });
    this.onTransition = event -> timer.execute(this::publishUtilization);
  }

  /** A reporter for this breaker and the interceptor whose counts give the call rates. */
  public static Builder builder(MemoryBreaker breaker, MemoryBreakerServerInterceptor interceptor) {
    return new Builder(breaker, interceptor);
  }

  /** Starts refreshing the report; returns this. */
  public OrcaPressureReporter start() {
    refresh();
    timer.scheduleAtFixedRate(
        this::refresh, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    breaker.addListener(onTransition);
    return this;
  }

  /** The recorder both report paths read (for adding a custom utilization metric of your own). */
  public MetricRecorder metricRecorder() {
    return recorder;
  }

  /**
   * Adds the report to every call's trailers ({@code endpoint-load-metrics-bin}); install it
   * outermost.
   */
  public ServerInterceptor serverInterceptor() {
    return OrcaMetricReportingServerInterceptor.create(recorder);
  }

  /** The out-of-band ORCA service ({@code xds.service.orca.v3.OpenRcaService}) for this replica. */
  public BindableService oobService() {
    return OrcaServiceImpl.createService(
        timer, recorder, oobMinInterval.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** The utilization the reports carry now. */
  public double utilization() {
    return mapping.utilization(breaker.status(), breaker.config(), qps);
  }

  /**
   * Measures the call rates over the last period and publishes everything; runs on the reporter's
   * thread every period.
   */
  void refresh() {
    try {
      long now = System.nanoTime();
      long shed = counters.count(ShedCounters.Kind.SHED);
      long calls =
          shed
              + counters.count(ShedCounters.Kind.ADMITTED)
              + counters.count(ShedCounters.Kind.WOULD_SHED);
      if (lastNanos != 0 && now > lastNanos) {
        double seconds = (now - lastNanos) / 1e9;
        qps = (calls - lastCalls) / seconds;
        recorder.setQpsMetric(qps);
        recorder.setEpsMetric((shed - lastShed) / seconds);
      }
      lastNanos = now;
      lastCalls = calls;
      lastShed = shed;
    } catch (RuntimeException e) {
      System.getLogger(OrcaPressureReporter.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "membreaker: ORCA rate refresh failed; keeping the last rates",
              e);
    }
    publishUtilization();
  }

  /**
   * Publishes the utilization for the breaker's state now and the last measured rate; also runs at
   * once on each transition (rates are not re-measured then: over a few milliseconds they would be
   * noise).
   */
  void publishUtilization() {
    try {
      BreakerStatus status = breaker.status();
      recorder.setApplicationUtilizationMetric(mapping.utilization(status, breaker.config(), qps));
      recorder.setMemoryUtilizationMetric(Math.max(0, Math.min(1, status.pressure())));
    } catch (RuntimeException e) {
      System.getLogger(OrcaPressureReporter.class.getName())
          .log(
              System.Logger.Level.WARNING,
              "membreaker: ORCA report refresh failed; keeping the last one",
              e);
    }
  }

  @Override
  public void close() {
    breaker.removeListener(onTransition);
    timer.shutdownNow();
  }

  /** Settings of an {@link OrcaPressureReporter}; validated when set. */
  public static final class Builder {
    private final MemoryBreaker breaker;
    private final MemoryBreakerServerInterceptor interceptor;
    private double floor = 0.25;
    private double referenceQps = 100;
    private Duration period = Duration.ofMillis(250);
    private Duration oobMinInterval = Duration.ofSeconds(1);

    private Builder(MemoryBreaker breaker, MemoryBreakerServerInterceptor interceptor) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
      this.interceptor = Objects.requireNonNull(interceptor, "interceptor");
    }

    /** Pressure in [0, 1) up to which every replica reports alike (default 0.25). */
    public Builder floor(double floor) {
      new PressureUtilization(floor, referenceQps); // validates
      this.floor = floor;
      return this;
    }

    /**
     * The rate that counts as utilization 1.0 for a replica with no pressure (default 100 calls/s).
     * Only the ratio between replicas matters to the policy, so give every replica the same value;
     * it sets the scale against the policy's error penalty ({@code eps / qps}).
     */
    public Builder referenceQps(double qps) {
      new PressureUtilization(floor, qps); // validates
      this.referenceQps = qps;
      return this;
    }

    /** How often the report is refreshed, 10 ms to 1 min (default 250 ms). */
    public Builder period(Duration period) {
      this.period = within("period", period, Duration.ofMillis(10), "10ms");
      return this;
    }

    /**
     * The shortest interval the out-of-band service streams reports at, 100 ms to 1 min (default 1
     * s).
     */
    public Builder oobMinInterval(Duration interval) {
      this.oobMinInterval = within("oobMinInterval", interval, Duration.ofMillis(100), "100ms");
      return this;
    }

    /** {@code d} if in [min, 1 min], else an error naming the setting. */
    private static Duration within(String name, Duration d, Duration min, String minText) {
      Objects.requireNonNull(d, name);
      if (d.compareTo(min) < 0 || d.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(name + " must be in [" + minText + ", 1m], was " + d);
      }
      return d;
    }

    public OrcaPressureReporter build() {
      return new OrcaPressureReporter(this);
    }
  }
}
