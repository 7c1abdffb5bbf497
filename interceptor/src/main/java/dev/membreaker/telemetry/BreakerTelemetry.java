package dev.membreaker.telemetry;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.ConfigChange;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideChange;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.breaker.TransitionListener;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.grpc.ShedCounters;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.policy.Priority;
import dev.membreaker.signal.SignalReading;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The breaker in OpenTelemetry, through the API only (the SDK and exporters are the application's).
 * Every transition is a span {@code membreaker.transition} with from, to, cause, driving dimension,
 * each dimension's pressure, the watermarks in force and the override; override and config changes
 * are spans too. Metrics: state, pressure, used and limit per dimension, sampler lag, transitions
 * by from and to, and (with an interceptor) calls admitted, shed and would-be-shed by method and
 * priority. Spans are made on the breaker's listener thread; gauges are read when the SDK collects.
 * Thread-safe.
 */
public final class BreakerTelemetry implements TransitionListener, AutoCloseable {

  /** The instrumentation scope name. */
  public static final String SCOPE = "dev.membreaker";

  static final AttributeKey<String> FROM = AttributeKey.stringKey("membreaker.from");
  static final AttributeKey<String> COLLECTOR = AttributeKey.stringKey("membreaker.collector");
  static final AttributeKey<String> LIVE_SET_KIND =
      AttributeKey.stringKey("membreaker.live_set.kind");
  static final AttributeKey<String> TO = AttributeKey.stringKey("membreaker.to");
  static final AttributeKey<String> CAUSE = AttributeKey.stringKey("membreaker.cause");
  static final AttributeKey<String> DIMENSION = AttributeKey.stringKey("membreaker.dimension");
  static final AttributeKey<Double> PRESSURE = AttributeKey.doubleKey("membreaker.pressure");
  static final AttributeKey<String> OVERRIDE = AttributeKey.stringKey("membreaker.override");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("membreaker.state");
  static final AttributeKey<String> PRIORITY = AttributeKey.stringKey("membreaker.priority");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("membreaker.outcome");
  static final AttributeKey<String> METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> COHORT = AttributeKey.stringKey("membreaker.cohort");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("membreaker.reason");

  private final MemoryBreaker breaker;
  private final Tracer tracer;
  private final LongCounter transitions;
  private final List<AutoCloseable> instruments = new ArrayList<>();

  private BreakerTelemetry(
      MemoryBreaker breaker, OpenTelemetry otel, MemoryBreakerServerInterceptor interceptor) {
    this.breaker = breaker;
    this.tracer = otel.getTracer(SCOPE);
    Meter meter = otel.getMeter(SCOPE);
    transitions =
        meter
            .counterBuilder("membreaker.transitions")
            .setDescription("Breaker state transitions, by from and to state")
            .setUnit("{transition}")
            .build();
    instruments.add(
        meter
            .gaugeBuilder("membreaker.state")
            .ofLongs()
            .setDescription("1 for the state the breaker is in, 0 for the others")
            .setUnit("{state}")
            .buildWithCallback(
                m -> {
                  BreakerState now = breaker.status().state();
                  for (BreakerState s : BreakerState.values()) {
                    m.record(s == now ? 1 : 0, Attributes.of(STATE, s.name()));
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.pressure")
            .setDescription(
                "Memory pressure (used / limit) per dimension; the breaker's own without a"
                    + " dimension")
            .setUnit("1")
            .buildWithCallback(
                m -> {
                  BreakerStatus s = breaker.status();
                  m.record(s.pressure());
                  for (SignalReading r : s.signals()) {
                    if (r.available()) {
                      m.record(r.pressure(), Attributes.of(DIMENSION, r.dimension().id()));
                    }
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.memory.used")
            .ofLongs()
            .setDescription("Memory used per dimension")
            .setUnit("By")
            .buildWithCallback(
                m -> {
                  for (SignalReading r : breaker.status().signals()) {
                    if (r.available()) {
                      m.record(r.used(), Attributes.of(DIMENSION, r.dimension().id()));
                    }
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.memory.limit")
            .ofLongs()
            .setDescription("Memory limit per dimension")
            .setUnit("By")
            .buildWithCallback(
                m -> {
                  for (SignalReading r : breaker.status().signals()) {
                    if (r.available()) {
                      m.record(r.limit(), Attributes.of(DIMENSION, r.dimension().id()));
                    }
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.sampler.lag")
            .setDescription("Time since the breaker's latest sample")
            .setUnit("s")
            .buildWithCallback(
                m ->
                    m.record(
                        Math.max(0, breaker.ticker().read() - breaker.status().sampledAtNanos())
                            / 1e9)));
    instruments.add(
        meter
            .counterBuilder("membreaker.live_set.confirmations")
            .setDescription(
                "Confirming collections run to measure promoted bytes of unknown liveness")
            .setUnit("{collection}")
            .buildWithCallback(
                m -> {
                  LiveSetEvidence e = breaker.status().liveSet();
                  if (e != null) {
                    m.record(
                        e.confirmations(), Attributes.of(COLLECTOR, e.collector().displayName()));
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.live_set.confirmation.pause")
            .setDescription("How long the latest confirming collection took")
            .setUnit("s")
            .buildWithCallback(
                m -> {
                  LiveSetEvidence e = breaker.status().liveSet();
                  if (e != null && e.confirmations() > 0) {
                    m.record(
                        e.lastConfirmationPauseNanos() / 1e9,
                        Attributes.of(COLLECTOR, e.collector().displayName()));
                  }
                }));
    instruments.add(
        meter
            .gaugeBuilder("membreaker.live_set.bytes")
            .ofLongs()
            .setDescription(
                "The live-set anchor (measured by a marking collection) and upper bound")
            .setUnit("By")
            .buildWithCallback(
                m -> {
                  LiveSetEvidence e = breaker.status().liveSet();
                  if (e != null) {
                    m.record(
                        e.anchor(),
                        Attributes.of(
                            COLLECTOR, e.collector().displayName(), LIVE_SET_KIND, "anchor"));
                    m.record(
                        e.upper(),
                        Attributes.of(
                            COLLECTOR, e.collector().displayName(), LIVE_SET_KIND, "upper"));
                  }
                }));
    if (!breaker.cohorts().isEmpty()) {
      instruments.add(
          meter
              .gaugeBuilder("membreaker.cohort.state")
              .ofLongs()
              .setDescription(
                  "Per cohort profile: 1 for the state its thresholds put it in, 0 for the others")
              .setUnit("{state}")
              .buildWithCallback(
                  m -> {
                    for (int i = 0; i <= breaker.cohorts().size(); i++) {
                      String name =
                          i == 0
                              ? dev.membreaker.breaker.Cohort.DEFAULT_NAME
                              : breaker.cohorts().get(i - 1).name();
                      BreakerState now = breaker.admission(i).status().state();
                      for (BreakerState s : BreakerState.values()) {
                        m.record(s == now ? 1 : 0, Attributes.of(COHORT, name, STATE, s.name()));
                      }
                    }
                  }));
      if (interceptor != null) {
        instruments.add(
            meter
                .counterBuilder("membreaker.cohort.calls")
                .setDescription(
                    "Per cohort profile: calls admitted, shed, or would have been shed, by"
                        + " priority")
                .setUnit("{call}")
                .buildWithCallback(
                    m -> {
                      for (int i = 0; i <= breaker.cohorts().size(); i++) {
                        String name =
                            i == 0
                                ? dev.membreaker.breaker.Cohort.DEFAULT_NAME
                                : breaker.cohorts().get(i - 1).name();
                        ShedCounters c = interceptor.cohortCounters(i);
                        for (Priority p : Priority.values()) {
                          for (ShedCounters.Kind k : ShedCounters.Kind.values()) {
                            long n = c.count(k, p);
                            if (n > 0) {
                              m.record(
                                  n,
                                  Attributes.of(
                                      COHORT,
                                      name,
                                      PRIORITY,
                                      p.name(),
                                      OUTCOME,
                                      k.name().toLowerCase()));
                            }
                          }
                        }
                      }
                    }));
      }
    }
    instruments.add(
        meter
            .gaugeBuilder("membreaker.in_flight.bytes")
            .ofLongs()
            .setDescription(
                "Bytes in flight now: request bytes not yet handed to the application and"
                    + " response bytes queued for clients (read at collection, not sampled)")
            .setUnit("By")
            .buildWithCallback(m -> m.record(breaker.inFlight().bytes())));
    if (interceptor != null) {
      instruments.add(
          meter
              .counterBuilder("membreaker.in_flight.ended")
              .setDescription(
                  "Calls ended for bytes in flight: a request refused while it arrived (reason"
                      + " request_cut), a response stream whose client did not read (slow_reader)")
              .setUnit("{call}")
              .buildWithCallback(
                  m -> {
                    m.record(interceptor.requestsCut(), Attributes.of(REASON, "request_cut"));
                    m.record(interceptor.slowReadersEnded(), Attributes.of(REASON, "slow_reader"));
                  }));
      instruments.add(
          meter
              .counterBuilder("membreaker.calls")
              .setDescription(
                  "Calls admitted, shed, or (SHADOW) that would have been shed, by method and"
                      + " priority")
              .setUnit("{call}")
              .buildWithCallback(
                  m -> {
                    for (Map.Entry<String, ShedCounters.MethodCounts> e :
                        interceptor.methodCounts().entrySet()) {
                      for (Priority p : Priority.values()) {
                        for (ShedCounters.Kind k : ShedCounters.Kind.values()) {
                          long n = e.getValue().count(k, p);
                          if (n > 0) {
                            m.record(
                                n,
                                Attributes.of(
                                    METHOD,
                                    e.getKey(),
                                    PRIORITY,
                                    p.name(),
                                    OUTCOME,
                                    k.name().toLowerCase()));
                          }
                        }
                      }
                    }
                  }));
    }
  }

  /**
   * Starts reporting {@code breaker} (and, if not null, {@code interceptor}'s calls) to {@code
   * otel}. {@link #close()} stops it.
   */
  public static BreakerTelemetry install(
      MemoryBreaker breaker, OpenTelemetry otel, MemoryBreakerServerInterceptor interceptor) {
    Objects.requireNonNull(breaker, "breaker");
    Objects.requireNonNull(otel, "otel");
    BreakerTelemetry telemetry = new BreakerTelemetry(breaker, otel, interceptor);
    breaker.addListener(telemetry);
    return telemetry;
  }

  @Override
  public void onTransition(TransitionEvent e) {
    transitions.add(1, Attributes.of(FROM, e.from().name(), TO, e.to().name()));
    SpanBuilder b =
        tracer
            .spanBuilder("membreaker.transition")
            .setStartTimestamp(e.at())
            .setAttribute(FROM, e.from().name())
            .setAttribute(TO, e.to().name())
            .setAttribute(CAUSE, e.cause().name())
            .setAttribute(PRESSURE, e.pressure())
            .setAttribute(OVERRIDE, e.override().name());
    if (e.drivingDimension() != null) {
      b.setAttribute(DIMENSION, e.drivingDimension().id());
    }
    for (SignalReading r : e.signals()) {
      if (r.available()) {
        b.setAttribute("membreaker.pressure." + r.dimension().id(), r.pressure());
      }
    }
    LiveSetEvidence live = e.liveSet();
    if (live != null) {
      b.setAttribute(COLLECTOR, live.collector().displayName())
          .setAttribute("membreaker.live_set.anchor", live.anchor())
          .setAttribute("membreaker.live_set.upper", live.upper())
          .setAttribute("membreaker.live_set.dead_share", live.deadShare())
          .setAttribute("membreaker.live_set.confirmations", live.confirmations());
    }
    watermarks(b, e.thresholds());
    Span span = b.startSpan();
    span.end(e.at());
  }

  @Override
  public void onOverrideChange(OverrideChange c) {
    Span span =
        tracer
            .spanBuilder("membreaker.override")
            .setStartTimestamp(c.at())
            .setAttribute("membreaker.override.from", c.from().name())
            .setAttribute("membreaker.override.to", c.to().name())
            .setAttribute("membreaker.override.reason", c.reason())
            .startSpan();
    span.end(c.at());
  }

  @Override
  public void onConfigChange(ConfigChange c) {
    SpanBuilder b =
        tracer
            .spanBuilder("membreaker.config_update")
            .setStartTimestamp(c.at())
            .setAttribute("membreaker.config.version", c.version());
    watermarks(b, c.after());
    b.startSpan().end(c.at());
  }

  private static void watermarks(SpanBuilder b, BreakerConfig c) {
    b.setAttribute("membreaker.watermark.warning", c.warning())
        .setAttribute("membreaker.watermark.degraded", c.degraded())
        .setAttribute("membreaker.watermark.open", c.open())
        .setAttribute("membreaker.watermark.recover", c.recover())
        .setAttribute("membreaker.watermark.emergency", c.emergency())
        .setAttribute("membreaker.watermark.critical_cap", c.criticalCap());
  }

  /** Stops the spans and unregisters the gauges. */
  @Override
  public void close() {
    breaker.removeListener(this);
    for (AutoCloseable instrument : instruments) {
      try {
        instrument.close();
      } catch (Exception e) {
        // an SDK that failed to unregister a callback: nothing more to do
      }
    }
  }
}
