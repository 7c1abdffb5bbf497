package dev.membreaker.admin;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.ConfigSnapshot;
import dev.membreaker.admin.v1.GetConfigRequest;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.ListTransitionsRequest;
import dev.membreaker.admin.v1.ListTransitionsResponse;
import dev.membreaker.admin.v1.SetOverrideRequest;
import dev.membreaker.admin.v1.SimulateRequest;
import dev.membreaker.admin.v1.SimulateResponse;
import dev.membreaker.admin.v1.StateTime;
import dev.membreaker.admin.v1.StateUpdate;
import dev.membreaker.admin.v1.UpdateConfigRequest;
import dev.membreaker.admin.v1.WatchStateRequest;
import dev.membreaker.breaker.Admission;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.breaker.Simulation;
import dev.membreaker.breaker.StaleConfigVersionException;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.config.ConfigFile;
import dev.membreaker.grpc.ShedCounters;
import dev.membreaker.policy.Priority;
import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code membreaker.admin.v1.BreakerAdmin} service: operators read the breaker's state, watch
 * its transitions, read and change its config, set overrides, list transitions and simulate
 * candidate thresholds over the recent samples.
 *
 * <p>Security. Serve it on its own port bound to 127.0.0.1 (it is exempt from shedding, so it
 * answers while the breaker sheds). Read-only RPCs need nothing. Mutating RPCs (UpdateConfig,
 * SetOverride) need {@code authorization: Bearer <token>}, checked in constant time against the
 * {@link AdminToken}; a wrong or missing token is UNAUTHENTICATED. With no token configured they
 * are PERMISSION_DENIED, unless {@link Builder#allowInsecureLocalDev} was set. Every accepted
 * change is written to the {@code membreaker.audit} logger: what, old, new, reason, peer.
 *
 * <p>Bind it with {@link #bindService()}, which puts the caller's credentials into the context.
 * Thread-safe.
 */
public final class BreakerAdminService implements BindableService {

  private static final System.Logger AUDIT = System.getLogger("membreaker.audit");

  private final MemoryBreaker breaker;
  private final ShedCounters counters;
  private final java.util.function.IntFunction<ShedCounters> cohortCounters;
  private final AdminToken token;
  private final boolean insecureLocalDev;
  private final int watchBuffer;
  private final Clock clock;
  private final RefusalLog refusals;
  private final java.util.function.Supplier<ConfigFile> configFile;
  private final Map<String, String> atStart;

  private BreakerAdminService(Builder b) {
    breaker = b.breaker;
    counters = b.counters;
    cohortCounters = b.cohortCounters;
    token = b.token;
    insecureLocalDev = b.insecureLocalDev;
    watchBuffer = b.watchBuffer;
    clock = b.clock;
    refusals = new RefusalLog(AUDIT, Duration.ofSeconds(10), b.clock);
    configFile = b.configFile;
    atStart = breaker.config().values();
  }

  /** A builder for the service of {@code breaker}. */
  public static Builder builder(MemoryBreaker breaker) {
    return new Builder(breaker);
  }

  /** The service, with the interceptor that hands it the caller's credentials and address. */
  @Override
  public ServerServiceDefinition bindService() {
    // Requests travel as bytes and are parsed inside the listener that MalformedRequests guards, so
    // bytes that are not the request message are answered INVALID_ARGUMENT, not UNKNOWN with a
    // stack trace per call.
    ServerServiceDefinition bytes =
        ServerInterceptors.useMarshalledMessages(
            ServerInterceptors.intercept(new Impl().bindService(), new CallerContext()),
            MalformedRequests.BYTES);
    return ServerInterceptors.intercept(bytes, new MalformedRequests(refusals));
  }

  private final class Impl extends BreakerAdminGrpc.BreakerAdminImplBase {

    @Override
    public void getState(
        GetStateRequest request, StreamObserver<dev.membreaker.admin.v1.BreakerState> out) {
      if (!wellFormed(request, out)) {
        return;
      }
      out.onNext(StateMessages.state(breaker, counters, cohortCounters, clock));
      out.onCompleted();
    }

    @Override
    public void watchState(WatchStateRequest request, StreamObserver<StateUpdate> out) {
      if (!wellFormed(request, out)) {
        return;
      }
      StateWatcher.start(breaker, counters, cohortCounters, clock, out, watchBuffer);
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<ConfigSnapshot> out) {
      if (!wellFormed(request, out)) {
        return;
      }
      out.onNext(snapshot());
      out.onCompleted();
    }

    private ConfigSnapshot snapshot() {
      Admission snapshot =
          breaker.admission(); // one publication: the version, its config, the error
      return ConfigSnapshot.newBuilder()
          .setVersion(snapshot.status().configVersion())
          .setConfig(ConfigMessages.toProto(snapshot.config()))
          .putAllSources(sources(snapshot.config()))
          .setLastConfigError(snapshot.lastConfigError())
          .build();
    }

    /**
     * Where each key's value comes from. With a config file: "admin" where the value in force is
     * not the file's, else "file" where the file sets the key, else "default". Without one: "admin"
     * where it changed since this service was built, else "code" where the breaker was built with
     * something else than the default, else "default".
     */
    private Map<String, String> sources(BreakerConfig config) {
      Map<String, String> now = config.values();
      Map<String, String> defaults = BreakerConfig.defaults().values();
      ConfigFile file = configFile == null ? null : configFile.get();
      Map<String, String> fromFile = file == null ? null : file.breaker().values();
      Map<String, String> sources = new java.util.LinkedHashMap<>();
      now.forEach(
          (key, value) -> {
            String source;
            if (fromFile != null) {
              source =
                  !value.equals(fromFile.get(key))
                      ? "admin"
                      : file.breakerKeys().contains(key) ? "file" : "default";
            } else {
              source =
                  !value.equals(atStart.get(key))
                      ? "admin"
                      : !value.equals(defaults.get(key)) ? "code" : "default";
            }
            sources.put(key, source);
          });
      return sources;
    }

    @Override
    public void updateConfig(UpdateConfigRequest request, StreamObserver<ConfigSnapshot> out) {
      if (!authorized("UpdateConfig", out) || !wellFormed(request, out)) {
        return;
      }
      String reason;
      try {
        reason = AdminInput.reason(request.getReason());
        if (request.getChanges().getAllFields().isEmpty()) {
          throw new IllegalArgumentException("changes is empty: set at least one field to change");
        }
      } catch (IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      long expected = request.getExpectedVersion();
      // The changes apply to one snapshot's config and swap only if its version is still current,
      // so
      // two concurrent updates of different keys both stay. Without an expected version from the
      // caller, a lost race is retried on the newer config (bounded: each retry means another
      // update
      // has landed).
      for (int attempt = 0; ; attempt++) {
        Admission snapshot = breaker.admission();
        long current = snapshot.status().configVersion();
        if (expected != 0 && expected != current) {
          out.onError(
              Status.FAILED_PRECONDITION
                  .withDescription(
                      "config version " + expected + " is stale; the current version is " + current)
                  .asRuntimeException());
          return;
        }
        BreakerConfig before = snapshot.config();
        BreakerConfig next;
        try {
          next = ConfigMessages.apply(before, request.getChanges());
        } catch (IllegalArgumentException e) {
          out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
          return;
        }
        try {
          long version = breaker.updateConfig(next, current);
          AUDIT.log(
              System.Logger.Level.INFO,
              "membreaker audit: UpdateConfig to version {0} by {1}, reason \"{2}\": {3} -> {4}",
              version,
              CallerContext.PEER.get(),
              reason,
              before,
              next);
          break;
        } catch (StaleConfigVersionException e) {
          if (expected != 0 || attempt >= 100) {
            out.onError(
                Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
            return;
          }
        }
      }
      out.onNext(snapshot());
      out.onCompleted();
    }

    @Override
    public void setOverride(
        SetOverrideRequest request, StreamObserver<dev.membreaker.admin.v1.BreakerState> out) {
      if (!authorized("SetOverride", out) || !wellFormed(request, out)) {
        return;
      }
      OverrideMode mode;
      switch (request.getOverride()) {
        case NONE:
          mode = OverrideMode.NONE;
          break;
        case FORCED_OPEN:
          mode = OverrideMode.FORCED_OPEN;
          break;
        case FORCED_CLOSED:
          mode = OverrideMode.FORCED_CLOSED;
          break;
        case SHADOW:
          mode = OverrideMode.SHADOW;
          break;
        default:
          out.onError(
              Status.INVALID_ARGUMENT
                  .withDescription(
                      "override must be NONE, FORCED_OPEN, FORCED_CLOSED or SHADOW, was "
                          + request.getOverrideValue())
                  .asRuntimeException());
          return;
      }
      Duration ttl = null;
      String reason;
      try {
        reason = AdminInput.reason(request.getReason());
        if (request.hasExpiresAt()) {
          ttl = AdminInput.overrideTtl(request.getExpiresAt(), clock.instant());
        }
      } catch (IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      OverrideMode before = breaker.status().override();
      breaker.setOverride(mode, reason, ttl);
      AUDIT.log(
          System.Logger.Level.INFO,
          "membreaker audit: SetOverride by {0}, reason \"{1}\": {2} -> {3}{4}",
          CallerContext.PEER.get(),
          reason,
          before,
          mode,
          ttl == null ? "" : " for " + ttl);
      out.onNext(StateMessages.state(breaker, counters, cohortCounters, clock));
      out.onCompleted();
    }

    @Override
    public void listTransitions(
        ListTransitionsRequest request, StreamObserver<ListTransitionsResponse> out) {
      if (!wellFormed(request, out)) {
        return;
      }
      if (request.getLimit() < 0) {
        out.onError(
            Status.INVALID_ARGUMENT
                .withDescription("limit must not be negative, was " + request.getLimit())
                .asRuntimeException());
        return;
      }
      List<TransitionEvent> all = breaker.recentTransitions();
      int from = request.getLimit() == 0 ? 0 : Math.max(0, all.size() - request.getLimit());
      ListTransitionsResponse.Builder b = ListTransitionsResponse.newBuilder();
      for (TransitionEvent e : all.subList(from, all.size())) {
        b.addTransitions(StateMessages.transition(e));
      }
      out.onNext(b.build());
      out.onCompleted();
    }

    @Override
    public void simulate(SimulateRequest request, StreamObserver<SimulateResponse> out) {
      if (!wellFormed(request, out)) {
        return;
      }
      BreakerConfig candidate;
      try {
        candidate = ConfigMessages.apply(breaker.config(), request.getCandidate());
      } catch (IllegalArgumentException e) {
        out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
        return;
      }
      Simulation sim = breaker.simulate(candidate);
      SimulateResponse.Builder b =
          SimulateResponse.newBuilder()
              .setSamples(sim.samples())
              .setSpan(ConfigMessages.proto(sim.span()))
              .setShedShareCritical(sim.shedShare().get(Priority.CRITICAL))
              .setShedShareDefault(sim.shedShare().get(Priority.DEFAULT))
              .setShedShareSheddable(sim.shedShare().get(Priority.SHEDDABLE));
      for (TransitionEvent e : sim.transitions()) {
        b.addTransitions(StateMessages.transition(e));
      }
      sim.timeInState()
          .forEach(
              (state, time) ->
                  b.addTimeInState(
                      StateTime.newBuilder()
                          .setState(StateMessages.state(state))
                          .setTime(ConfigMessages.proto(time))));
      out.onNext(b.build());
      out.onCompleted();
    }
  }

  /** Refuses a request with fields the schema does not have, or of the wrong type. */
  private static boolean wellFormed(com.google.protobuf.Message request, StreamObserver<?> out) {
    try {
      AdminInput.refuseUnknownFields(request);
      return true;
    } catch (IllegalArgumentException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return false;
    }
  }

  private boolean authorized(String rpc, StreamObserver<?> out) {
    if (!token.configured()) {
      if (insecureLocalDev) {
        return true;
      }
      refusals.refused(rpc, CallerContext.PEER.get(), "no admin token is configured");
      out.onError(
          Status.PERMISSION_DENIED
              .withDescription(
                  "no admin token is configured, so changes are refused; set one (environment or"
                      + " file), or allow insecure local development explicitly")
              .asRuntimeException());
      return false;
    }
    if (!token.matches(CallerContext.BEARER.get())) {
      refusals.refused(
          rpc,
          CallerContext.PEER.get(),
          CallerContext.BEARER.get() == null ? "no token" : "a wrong token");
      out.onError(
          Status.UNAUTHENTICATED
              .withDescription("this RPC needs 'authorization: Bearer <admin token>'")
              .asRuntimeException());
      return false;
    }
    return true;
  }

  /** Builds a {@link BreakerAdminService}. Not thread-safe. */
  public static final class Builder {
    private final MemoryBreaker breaker;
    private ShedCounters counters;
    private java.util.function.IntFunction<ShedCounters> cohortCounters;
    private AdminToken token = AdminToken.none();
    private boolean insecureLocalDev;
    private int watchBuffer = 64;
    private Clock clock = Clock.systemUTC();
    private java.util.function.Supplier<ConfigFile> configFile;

    private Builder(MemoryBreaker breaker) {
      this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /** The interceptor's counters, for GetState (optional). */
    public Builder counters(ShedCounters counters) {
      this.counters = counters;
      return this;
    }

    /** The interceptor whose counters GetState reports, overall and per cohort (optional). */
    public Builder interceptor(dev.membreaker.grpc.MemoryBreakerServerInterceptor interceptor) {
      this.counters = interceptor.counters();
      this.cohortCounters = interceptor::cohortCounters;
      return this;
    }

    /** The token mutating RPCs must present (default: none, so they are refused). */
    public Builder token(AdminToken token) {
      this.token = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Without a token, allow mutating RPCs anyway. For local development only. */
    public Builder allowInsecureLocalDev(boolean allow) {
      this.insecureLocalDev = allow;
      return this;
    }

    /**
     * Updates a WatchState stream may fall behind by before it is cut off (1 to 10,000; default
     * 64).
     */
    public Builder watchBuffer(int updates) {
      if (updates < 1 || updates > 10_000) {
        throw new IllegalArgumentException("watch_buffer must be in [1, 10000], was " + updates);
      }
      this.watchBuffer = updates;
      return this;
    }

    /**
     * The config file in force (e.g. {@code watcher::current}), so GetConfig can say which values
     * come from it (optional).
     */
    public Builder configFile(java.util.function.Supplier<ConfigFile> file) {
      this.configFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** The wall clock for timestamps (default UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public BreakerAdminService build() {
      return new BreakerAdminService(this);
    }
  }
}
