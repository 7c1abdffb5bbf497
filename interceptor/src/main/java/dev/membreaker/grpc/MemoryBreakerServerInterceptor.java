package dev.membreaker.grpc;

import dev.membreaker.breaker.Admission;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.CallDemand;
import dev.membreaker.breaker.InFlightBytes;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import dev.membreaker.time.Ticker;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gRPC face of membreaker: a {@link ServerInterceptor} that asks the shared {@link
 * MemoryBreaker} about every call before any handler runs, and sheds with {@code
 * RESOURCE_EXHAUSTED}.
 *
 * <p>One line attaches it: {@code
 * serverBuilder.intercept(MemoryBreakerServerInterceptor.of(breaker))}, or {@link #wrap} for one
 * service. Several servers in one JVM may share one breaker, and one interceptor.
 *
 * <p>Admission. Exempt services (health, reflection, admin, and the user's own) pass untouched.
 * Every other call gets its method's {@link Priority}, which an optional request header ({@code
 * membreaker-priority} by default) may lower but not raise unless the builder allows it; then one
 * volatile read of the breaker's published {@link Admission} decides. A shed call is closed at once
 * with RESOURCE_EXHAUSTED, a description naming state, driving dimension and pressure, the {@code
 * grpc-retry-pushback-ms} trailer (gRPC A6: in OPEN the time left until HALF_OPEN, else a jittered
 * back-off) and a {@code membreaker-state} trailer; the handler is never started, no message is
 * requested or parsed, and the returned listener ignores everything. An admitted call is wrapped
 * once ({@link OutcomeRecordingCall}) so its status and latency reach the outcome breaker; the
 * breaker's own rejections are never recorded. Optional features add a listener wrapper only to the
 * calls that need it: a cap on calls in flight, size-aware shedding (a request message over the
 * limit while DEGRADED or worse is refused before the handler sees it; needs {@link
 * #streamTracerFactory()} on the server builder) and, for SHEDDABLE client and bidi streams,
 * withholding {@code request(n)} while DEGRADED or worse.
 *
 * <p>Thread-safe.
 */
public final class MemoryBreakerServerInterceptor implements ServerInterceptor {

  /** The A6 retry pushback trailer: milliseconds the client should wait before retrying. */
  public static final Metadata.Key<String> PUSHBACK_KEY =
      Metadata.Key.of("grpc-retry-pushback-ms", Metadata.ASCII_STRING_MARSHALLER);

  /**
   * The state that decided, machine-readable: HEALTHY ... HALF_OPEN. Under an override it is the
   * state the override acts as: OPEN under FORCED_OPEN, HEALTHY under FORCED_CLOSED and SHADOW
   * (which admit everything); {@link #OVERRIDE_KEY} then names the override.
   */
  public static final Metadata.Key<String> STATE_KEY =
      Metadata.Key.of("membreaker-state", Metadata.ASCII_STRING_MARSHALLER);

  /** The operator's override in force (FORCED_OPEN, FORCED_CLOSED, SHADOW); absent without one. */
  public static final Metadata.Key<String> OVERRIDE_KEY =
      Metadata.Key.of("membreaker-override", Metadata.ASCII_STRING_MARSHALLER);

  /** The default request header that may lower a call's priority. */
  public static final String DEFAULT_PRIORITY_HEADER = "membreaker-priority";

  /** The start time of a call whose latency is not measured. */
  static final long NO_START = Long.MIN_VALUE;

  private static final ServerCall.Listener<Object> IGNORE_ALL = new ServerCall.Listener<>() {};

  private final MemoryBreaker breaker;
  private final Ticker ticker;
  private final MethodPriorities priorities;
  private final ExemptServices exempt;
  private final Metadata.Key<String> priorityHeader;
  private final boolean allowRaise;
  private final int maxConcurrentCalls;
  private final long maxRequestBytes;
  private final long pushbackNanos;
  private final Map<String, Fallback<?, ?>> fallbacks;
  private final ShedCounters counters = new ShedCounters();
  private final Metadata.Key<String> cohortHeader;
  private final ShedCounters[] cohortCounters;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final FlowGate gate;
  private final InFlightBytes bytesInFlight;
  private final CallDemand demand;
  private final LongAdder requestsCut = new LongAdder();
  private final LongAdder slowReadersEnded = new LongAdder();
  private final ConcurrentHashMap<String, MethodPolicy> policies = new ConcurrentHashMap<>();

  /** What the interceptor knows of one method, resolved on its first call. */
  private static final class MethodPolicy {
    final boolean exempt;
    final Priority priority;
    final boolean clientStreams;
    final boolean serverStreams;
    final Fallback<?, ?> fallback;
    final ShedCounters.MethodCounts counts = new ShedCounters.MethodCounts();

    MethodPolicy(
        boolean exempt,
        Priority priority,
        boolean clientStreams,
        boolean serverStreams,
        Fallback<?, ?> fallback) {
      this.exempt = exempt;
      this.priority = priority;
      this.clientStreams = clientStreams;
      this.serverStreams = serverStreams;
      this.fallback = fallback;
    }
  }

  private MemoryBreakerServerInterceptor(Builder b) {
    breaker = b.breaker;
    ticker = breaker.ticker();
    priorities = b.priorities;
    exempt = b.exempt;
    priorityHeader =
        b.priorityHeader == null
            ? null
            : Metadata.Key.of(b.priorityHeader, Metadata.ASCII_STRING_MARSHALLER);
    allowRaise = b.allowRaise;
    maxConcurrentCalls = b.maxConcurrentCalls;
    maxRequestBytes = b.maxRequestBytes;
    pushbackNanos = b.pushback.toNanos();
    fallbacks = Map.copyOf(b.fallbacks);
    gate = new FlowGate(breaker);
    bytesInFlight = breaker.inFlight();
    demand = breaker.demand();
    cohortHeader =
        b.cohortHeader == null || breaker.cohorts().isEmpty()
            ? null
            : Metadata.Key.of(b.cohortHeader, Metadata.ASCII_STRING_MARSHALLER);
    cohortCounters = new ShedCounters[breaker.cohorts().size() + 1];
    cohortCounters[0] = counters;
    for (int i = 1; i < cohortCounters.length; i++) {
      cohortCounters[i] = new ShedCounters();
    }
    breaker.addListener(gate);
  }

  /** An interceptor with every default: all methods DEFAULT, no cap, no size limit. */
  public static MemoryBreakerServerInterceptor of(MemoryBreaker breaker) {
    return builder(breaker).build();
  }

  /** A builder for an interceptor consulting {@code breaker}. */
  public static Builder builder(MemoryBreaker breaker) {
    return new Builder(breaker);
  }

  /** {@code service} with this interceptor in front of it. */
  public ServerServiceDefinition wrap(BindableService service) {
    return ServerInterceptors.intercept(service, this);
  }

  /** {@code service} with this interceptor in front of it. */
  public ServerServiceDefinition wrap(ServerServiceDefinition service) {
    return ServerInterceptors.intercept(service, this);
  }

  /**
   * The stream tracer factory that counts each admitted call's bytes in flight (see {@link
   * InFlightBytes}) and tells the interceptor each request message's size; add it to the server
   * builder with {@code addStreamTracerFactory}. Without it there is no in-flight account (no
   * refusal on its behalf, no slow-reader limit) and {@code max_request_bytes} is not enforced.
   */
  public ServerStreamTracer.Factory streamTracerFactory() {
    return new CallBytesTracer.Factory(bytesInFlight);
  }

  /**
   * Request messages refused while they arrived because the bytes in flight were at their limit.
   */
  public long requestsCut() {
    return requestsCut.sum();
  }

  /** Response streams ended because their client left more than the per-call limit unread. */
  public long slowReadersEnded() {
    return slowReadersEnded.sum();
  }

  /** Counts of admitted, shed and would-be-shed calls by state and priority. */
  public ShedCounters counters() {
    return counters;
  }

  /** Counts by full method name (exempt methods are not counted), for metrics. */
  public Map<String, ShedCounters.MethodCounts> methodCounts() {
    Map<String, ShedCounters.MethodCounts> all = new HashMap<>();
    policies.forEach(
        (name, policy) -> {
          if (!policy.exempt) {
            all.put(name, policy.counts);
          }
        });
    return all;
  }

  /** Calls admitted and not yet finished (counted only with a cap on calls in flight). */
  public int inFlight() {
    return inFlight.get();
  }

  /** The breaker this interceptor consults. */
  public MemoryBreaker breaker() {
    return breaker;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    MethodPolicy policy = policy(call.getMethodDescriptor());
    if (policy.exempt) {
      return next.startCall(call, headers);
    }
    Priority priority = priority(policy.priority, headers);
    int cohort = cohortHeader == null ? 0 : cohort(headers);
    Admission admission = cohort == 0 ? breaker.admission() : breaker.admission(cohort);
    ShedCounters counters = cohortCounters[cohort];
    Decision decision = admission.decide(priority);
    BreakerState state = admission.status().state();
    if (decision == Decision.SHED) {
      return shedCounted(call, headers, admission, policy, counters, priority, null);
    }
    CallBytesTracer tracer = CallBytesTracer.KEY.get();
    if (tracer != null
        && admission.status().override() != OverrideMode.FORCED_CLOSED
        && bytesInFlight.refuses(priority)) {
      if (admission.shadow()) {
        decision = Decision.WOULD_SHED;
      } else {
        return shedCounted(
            call, headers, admission, policy, counters, priority, inFlightReason(priority));
      }
    }
    boolean holdsSlot = maxConcurrentCalls > 0;
    if (holdsSlot && inFlight.incrementAndGet() > maxConcurrentCalls) {
      inFlight.decrementAndGet();
      return shedCounted(
          call,
          headers,
          admission,
          policy,
          counters,
          priority,
          "max_concurrent_calls (" + maxConcurrentCalls + ") reached");
    }
    ShedCounters.Kind kind =
        decision == Decision.WOULD_SHED ? ShedCounters.Kind.WOULD_SHED : ShedCounters.Kind.ADMITTED;
    counters.increment(kind, state, priority);
    policy.counts.increment(kind, priority);
    if (priority != Priority.CRITICAL) {
      demand.admitted();
    }
    Deadline deadline = Context.current().getDeadline();
    // A clock read costs tens of nanoseconds on some machines: only pay for it when the outcome
    // breaker judges latency (slow-call detection is on).
    long start = breaker.config().slowCallThresholdNanos() == 0 ? NO_START : ticker.read();
    boolean throttle = policy.clientStreams && priority == Priority.SHEDDABLE;
    ThrottledCall<ReqT, RespT> throttled =
        throttle ? new ThrottledCall<>(call, this, start, deadline, gate) : null;
    OutcomeRecordingCall<ReqT, RespT> wrapped;
    if (throttled != null || (tracer != null && policy.serverStreams)) {
      QueueLimitedCall<ReqT, RespT> streaming =
          throttled != null ? throttled : new QueueLimitedCall<>(call, this, start, deadline);
      if (tracer != null && policy.serverStreams) {
        streaming.limitQueue(tracer);
      }
      wrapped = streaming;
    } else {
      wrapped = new OutcomeRecordingCall<>(call, this, start, deadline);
    }
    if (tracer != null) {
      tracer.attach(call, priority, this, !policy.clientStreams);
    }
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(wrapped, headers);
    } catch (RuntimeException | Error e) {
      if (holdsSlot) {
        releaseSlot();
      }
      throw e;
    }
    if (holdsSlot || throttled != null || tracer != null) {
      return new GuardedListener<>(listener, this, call, throttled, tracer, holdsSlot);
    }
    return listener;
  }

  /** Counts a refusal (by state and priority; by method) and sheds the call. */
  @SuppressWarnings("unchecked")
  private <ReqT, RespT> ServerCall.Listener<ReqT> shedCounted(
      ServerCall<ReqT, RespT> call,
      Metadata headers,
      Admission admission,
      MethodPolicy policy,
      ShedCounters counters,
      Priority priority,
      String reason) {
    counters.increment(ShedCounters.Kind.SHED, admission.status().state(), priority);
    policy.counts.increment(ShedCounters.Kind.SHED, priority);
    if (priority != Priority.CRITICAL) {
      demand.refused();
    }
    return shed(call, headers, admission, (Fallback<ReqT, RespT>) policy.fallback, reason);
  }

  private MethodPolicy policy(MethodDescriptor<?, ?> method) {
    String name = method.getFullMethodName();
    MethodPolicy policy = policies.get(name);
    if (policy == null) {
      policy =
          new MethodPolicy(
              exempt.isExempt(method.getServiceName()),
              priorities.of(name),
              !method.getType().clientSendsOneMessage(),
              !method.getType().serverSendsOneMessage(),
              fallbacks.get(name));
      policies.putIfAbsent(name, policy);
    }
    return policy;
  }

  /** The cohort of a call: a stable hash of its cohort header into 100 buckets; 0 without one. */
  private int cohort(Metadata headers) {
    String id = headers.get(cohortHeader);
    return id == null ? 0 : breaker.cohortOfBucket(bucket(id));
  }

  /**
   * The bucket of a cohort id in [0, 100): {@code String.hashCode} (specified, so the same on every
   * JVM and every replica) through the MurmurHash3 finalizer, which spreads ids that differ in one
   * character over all buckets.
   */
  public static int bucket(String id) {
    int h = id.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, 100);
  }

  /**
   * The counters of cohort {@code index} (0: the default profile, the same as {@link #counters()}).
   */
  public ShedCounters cohortCounters(int index) {
    return cohortCounters[index];
  }

  private Priority priority(Priority configured, Metadata headers) {
    return priorityHeader == null
        ? configured
        : Priority.effective(configured, headers.get(priorityHeader), allowRaise);
  }

  private <ReqT, RespT> ServerCall.Listener<ReqT> shed(
      ServerCall<ReqT, RespT> call,
      Metadata headers,
      Admission admission,
      Fallback<ReqT, RespT> fallback,
      String reason) {
    BreakerStatus status = admission.status();
    Metadata trailers = shedTrailers(status);
    Status shed = Status.RESOURCE_EXHAUSTED.withDescription(describe(status, reason));
    if (fallback != null
        && call.getMethodDescriptor().getType() == MethodDescriptor.MethodType.UNARY) {
      return new FallbackListener<>(call, headers, fallback, shed, trailers);
    }
    call.close(shed, trailers);
    @SuppressWarnings("unchecked")
    ServerCall.Listener<ReqT> ignore = (ServerCall.Listener<ReqT>) IGNORE_ALL;
    return ignore;
  }

  /** The two trailers of every refusal: A6 pushback and the state, machine-readable. */
  private Metadata shedTrailers(BreakerStatus status) {
    Metadata trailers = new Metadata();
    trailers.put(PUSHBACK_KEY, Long.toString(pushbackMillis(status)));
    trailers.put(STATE_KEY, decidingState(status).name());
    if (status.override() != OverrideMode.NONE) {
      trailers.put(OVERRIDE_KEY, status.override().name());
    }
    return trailers;
  }

  /** The state that decides admission: the breaker's own, or the one its override acts as. */
  static BreakerState decidingState(BreakerStatus status) {
    switch (status.override()) {
      case FORCED_OPEN:
        return BreakerState.OPEN;
      case FORCED_CLOSED:
      case SHADOW:
        return BreakerState.HEALTHY;
      default:
        return status.state();
    }
  }

  private static String describe(BreakerStatus status, String reason) {
    StringBuilder s = new StringBuilder("membreaker shed the call: ");
    if (reason != null) {
      s.append(reason).append("; ");
    }
    s.append("breaker ").append(status.state());
    if (status.override() != OverrideMode.NONE) {
      s.append(", override ").append(status.override());
    }
    if (status.drivingDimension() != null) {
      s.append(", ")
          .append(status.drivingDimension().id())
          .append(String.format(Locale.ROOT, " pressure %.3f", status.pressure()));
    }
    return s.toString();
  }

  /**
   * On an admitted call's trailers: the state that decides, while DEGRADED, OPEN or HALF_OPEN (one
   * volatile read and nothing else in the other states), and the override if one is in force.
   */
  void addStateTrailer(Metadata trailers) {
    BreakerStatus status = breaker.admission().status();
    BreakerState state =
        status.override() == OverrideMode.NONE ? status.state() : decidingState(status);
    if (state.severity() >= BreakerState.DEGRADED.severity() && !trailers.containsKey(STATE_KEY)) {
      trailers.put(STATE_KEY, state.name());
      if (status.override() != OverrideMode.NONE) {
        trailers.put(OVERRIDE_KEY, status.override().name());
      }
    }
  }

  /** A6 pushback: in OPEN the time left until HALF_OPEN, else the base with ±50 % jitter. */
  long pushbackMillis(BreakerStatus status) {
    if (status.state() == BreakerState.OPEN && status.override() == OverrideMode.NONE) {
      long left = status.openUntilNanos() - ticker.read();
      if (left > 0) {
        return Math.max(1, left / 1_000_000L);
      }
    }
    double jitter = 0.5 + ThreadLocalRandom.current().nextDouble();
    return Math.max(1, (long) (pushbackNanos * jitter / 1_000_000L));
  }

  void recordOutcome(int code, long startNanos) {
    breaker.recordOutcome(code, startNanos == NO_START ? 0 : ticker.read() - startNanos);
  }

  void releaseSlot() {
    inFlight.decrementAndGet();
  }

  private String inFlightReason(Priority priority) {
    return "bytes in flight "
        + bytesInFlight.bytes()
        + " at the limit for "
        + priority
        + " calls ("
        + bytesInFlight.limit(priority)
        + " of an in_flight_budget of "
        + bytesInFlight.budget()
        + ")";
  }

  /**
   * Refuses a request while it is still arriving: the bytes in flight reached the limit of its
   * priority. Runs on the transport's thread, before the handler started (see {@link
   * CallBytesTracer}).
   */
  void refuseInFlight(ServerCall<?, ?> call, long bytes) {
    requestsCut.increment();
    BreakerStatus status = breaker.status();
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            describe(
                status,
                "request refused while it arrived: bytes in flight "
                    + bytes
                    + " reached the limit for its"
                    + " priority (in_flight_budget "
                    + bytesInFlight.budget()
                    + ")")),
        shedTrailers(status));
  }

  /** The limit of response bytes one call may leave queued (0: none). */
  long maxQueuedBytesPerCall() {
    return breaker.config().maxQueuedBytesPerCall(bytesInFlight.budget());
  }

  /**
   * Ends a response stream whose client left more than the per-call limit unread: closes the call
   * with RESOURCE_EXHAUSTED, which the client gets once it has read what was queued before. The
   * handler's further messages are dropped ({@link QueueLimitedCall}).
   */
  void endSlowReader(ServerCall<?, ?> call, long queued, long limit) {
    slowReadersEnded.increment();
    BreakerStatus status = breaker.status();
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "membreaker ended the call: "
                + queued
                + " response bytes queued for a client that is not reading them, over"
                + " max_queued_bytes_per_call ("
                + limit
                + ")"),
        shedTrailers(status));
  }

  boolean refusesSize(long wireSize) {
    return maxRequestBytes > 0
        && wireSize > maxRequestBytes
        && FlowGate.restricts(breaker.admission());
  }

  <ReqT, RespT> void refuseLarge(ServerCall<ReqT, RespT> call, long wireSize) {
    BreakerStatus status = breaker.status();
    Metadata trailers = shedTrailers(status);
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            describe(
                status,
                "request message of "
                    + wireSize
                    + " bytes is over max_request_bytes ("
                    + maxRequestBytes
                    + ")")),
        trailers);
  }

  int heldStreamsForTest() {
    return gate.heldCount();
  }

  /** Builds a {@link MemoryBreakerServerInterceptor}. Not thread-safe. */
  public static final class Builder {
    private final MemoryBreaker breaker;
    private MethodPriorities priorities = MethodPriorities.allDefault();
    private ExemptServices exempt = ExemptServices.defaults();
    private String priorityHeader = DEFAULT_PRIORITY_HEADER;
    private boolean allowRaise;
    private int maxConcurrentCalls;
    private long maxRequestBytes;
    private Duration pushback = Duration.ofMillis(250);
    private final Map<String, Fallback<?, ?>> fallbacks = new HashMap<>();
    private String cohortHeader;

    private Builder(MemoryBreaker breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /** Method priorities (default: every method DEFAULT). */
    public Builder priorities(MethodPriorities priorities) {
      this.priorities = Objects.requireNonNull(priorities, "priorities");
      return this;
    }

    /** Exempt services (default: health, reflection, the admin service). */
    public Builder exempt(ExemptServices exempt) {
      this.exempt = Objects.requireNonNull(exempt, "exempt");
      return this;
    }

    /**
     * The request header that may lower a call's priority, or null for none (default {@code
     * membreaker-priority}).
     */
    public Builder priorityHeader(String name) {
      if (name != null
          && (name.isEmpty()
              || !name.equals(name.toLowerCase(Locale.ROOT))
              || name.endsWith("-bin"))) {
        throw new IllegalArgumentException(
            "priority_header must be a lower-case ASCII header name, was '" + name + "'");
      }
      this.priorityHeader = name;
      return this;
    }

    /** Whether the priority header may also raise a call's priority (default false). */
    public Builder allowPriorityRaise(boolean allow) {
      this.allowRaise = allow;
      return this;
    }

    /** A cap on admitted calls in flight, 0 for none (default 0). */
    public Builder maxConcurrentCalls(int max) {
      if (max < 0) {
        throw new IllegalArgumentException(
            "max_concurrent_calls must be 0 (off) or positive, was " + max);
      }
      this.maxConcurrentCalls = max;
      return this;
    }

    /**
     * While DEGRADED or worse, refuse request messages over this wire size, 0 for no limit (default
     * 0). Needs {@link #streamTracerFactory()} on the server builder.
     */
    public Builder maxRequestBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException(
            "max_request_bytes must be 0 (off) or positive, was " + max);
      }
      this.maxRequestBytes = max;
      return this;
    }

    /** The base of the jittered retry pushback outside OPEN, 1 ms to 1 min (default 250 ms). */
    public Builder pushback(Duration base) {
      if (base == null
          || base.compareTo(Duration.ofMillis(1)) < 0
          || base.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("pushback must be in [PT0.001S, PT1M], was " + base);
      }
      this.pushback = base;
      return this;
    }

    /**
     * The request header (a user or tenant id) whose stable hash picks a call's cohort among the
     * breaker's {@link MemoryBreaker#cohorts() cohorts}; calls without it use the default profile.
     */
    public Builder cohortHeader(String name) {
      if (name != null
          && (name.isEmpty()
              || !name.equals(name.toLowerCase(Locale.ROOT))
              || name.endsWith("-bin"))) {
        throw new IllegalArgumentException(
            "cohort_header must be a lower-case ASCII header name, was '" + name + "'");
      }
      this.cohortHeader = name;
      return this;
    }

    /** An answer for shed calls of one unary method, instead of RESOURCE_EXHAUSTED. */
    public <ReqT, RespT> Builder fallback(
        MethodDescriptor<ReqT, RespT> method, Fallback<ReqT, RespT> fallback) {
      if (method.getType() != MethodDescriptor.MethodType.UNARY) {
        throw new IllegalArgumentException(
            "fallbacks answer unary methods only; "
                + method.getFullMethodName()
                + " is "
                + method.getType());
      }
      fallbacks.put(method.getFullMethodName(), Objects.requireNonNull(fallback, "fallback"));
      return this;
    }

    public MemoryBreakerServerInterceptor build() {
      return new MemoryBreakerServerInterceptor(this);
    }
  }
}
