package dev.membreaker.grpc;

import dev.membreaker.policy.Priority;
import dev.membreaker.time.Ticker;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The client's half of early rejection: it reads the {@code membreaker-state} trailer that a server
 * protected by membreaker sends while it is DEGRADED or worse, and for the pushback time fails the
 * client's own SHEDDABLE calls to that server locally, with RESOURCE_EXHAUSTED, instead of sending
 * calls the server would refuse anyway. Calls of other priorities always go out, and their answers
 * keep the client's view of the server fresh: the first answer without the trailer (the server is
 * HEALTHY or WARNING again) lets SHEDDABLE calls through at once.
 *
 * <p>The view is kept per channel authority, so a channel to one server holds calls for that server
 * only. On a load-balanced channel the authority names the whole service: a DEGRADED answer from
 * any replica then holds SHEDDABLE calls to all of them for the pushback time; pair it with {@code
 * weighted_round_robin} and ORCA reports (membreaker-interceptor-orca), which move traffic away
 * from the one replica.
 *
 * <p>The hold lasts the {@code grpc-retry-pushback-ms} of the last refusal, or {@link
 * Builder#defaultHold} after an admitted call that said DEGRADED, capped at {@link
 * Builder#maxHold}.
 */
public final class MemoryBreakerClientInterceptor implements ClientInterceptor {

  private final MethodPriorities priorities;
  private final Metadata.Key<String> priorityHeader;
  private final boolean allowRaise;
  private final long defaultHoldNanos;
  private final long maxHoldNanos;
  private final ConcurrentHashMap<String, AtomicLong> holdUntil = new ConcurrentHashMap<>();
  private final LongAdder held = new LongAdder();
  private final Ticker ticker;

  private MemoryBreakerClientInterceptor(Builder b) {
    this.priorities = b.priorities;
    this.priorityHeader =
        b.priorityHeader == null
            ? null
            : Metadata.Key.of(b.priorityHeader, Metadata.ASCII_STRING_MARSHALLER);
    this.allowRaise = b.allowRaise;
    this.defaultHoldNanos = b.defaultHold.toNanos();
    this.maxHoldNanos = b.maxHold.toNanos();
    this.ticker = b.ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Calls failed locally so far (never sent). */
  public long heldCalls() {
    return held.sum();
  }

  /** Whether SHEDDABLE calls to {@code authority} are being held now. */
  public boolean holding(String authority) {
    AtomicLong until = holdUntil.get(authority);
    return until != null && until.get() - ticker.read() > 0;
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    return new HoldingCall<>(method, callOptions, next);
  }

  private boolean sheddable(MethodDescriptor<?, ?> method, Metadata headers) {
    Priority configured = priorities.of(method.getFullMethodName());
    String asked = priorityHeader == null ? null : headers.get(priorityHeader);
    return Priority.effective(configured, asked, allowRaise)
        == Priority.SHEDDABLE; // the server's rule
  }

  private void learn(String authority, Status status, Metadata trailers) {
    String state = trailers.get(MemoryBreakerServerInterceptor.STATE_KEY);
    if (state == null || "HEALTHY".equals(state) || "WARNING".equals(state)) {
      if (status.getCode()
          != Status.Code.UNAVAILABLE) { // an answer from a server that is not shedding
        AtomicLong until = holdUntil.get(authority);
        if (until != null) {
          until.set(ticker.read()); // over
        }
      }
      return;
    }
    long hold = defaultHoldNanos;
    String pushback = trailers.get(MemoryBreakerServerInterceptor.PUSHBACK_KEY);
    if (pushback != null) {
      try {
        hold = Math.max(0, Long.parseLong(pushback.trim())) * 1_000_000L;
      } catch (NumberFormatException e) {
        // keep the default
      }
    }
    long until = ticker.read() + Math.min(hold, maxHoldNanos);
    holdUntil
        .computeIfAbsent(authority, a -> new AtomicLong())
        .accumulateAndGet(until, (a, b) -> b - a > 0 ? b : a);
  }

  /** A call that is either sent as usual or failed at start, never half of each. */
  private final class HoldingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
    private final MethodDescriptor<ReqT, RespT> method;
    private final CallOptions options;
    private final Channel next;
    private ClientCall<ReqT, RespT> delegate;

    HoldingCall(MethodDescriptor<ReqT, RespT> method, CallOptions options, Channel next) {
      this.method = method;
      this.options = options;
      this.next = next;
    }

    @Override
    public void start(Listener<RespT> listener, Metadata headers) {
      String authority = next.authority();
      if (holding(authority) && sheddable(method, headers)) {
        held.increment();
        listener.onClose(
            Status.RESOURCE_EXHAUSTED.withDescription(
                "membreaker client: " + authority + " is shedding; SHEDDABLE call held locally"),
            new Metadata());
        return;
      }
      delegate = next.newCall(method, options);
      delegate.start(
          new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onClose(Status status, Metadata trailers) {
              learn(authority, status, trailers);
              super.onClose(status, trailers);
            }
          },
          headers);
    }

    @Override
    public void request(int numMessages) {
      if (delegate != null) {
        delegate.request(numMessages);
      }
    }

    @Override
    public void cancel(String message, Throwable cause) {
      if (delegate != null) {
        delegate.cancel(message, cause);
      }
    }

    @Override
    public void halfClose() {
      if (delegate != null) {
        delegate.halfClose();
      }
    }

    @Override
    public void sendMessage(ReqT message) {
      if (delegate != null) {
        delegate.sendMessage(message);
      }
    }

    @Override
    public boolean isReady() {
      return delegate != null && delegate.isReady();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      if (delegate != null) {
        delegate.setMessageCompression(enabled);
      }
    }

    @Override
    public io.grpc.Attributes getAttributes() {
      return delegate == null ? io.grpc.Attributes.EMPTY : delegate.getAttributes();
    }
  }

  /** Settings of a {@link MemoryBreakerClientInterceptor}; validated when set. */
  public static final class Builder {
    private MethodPriorities priorities = MethodPriorities.builder().build();
    private String priorityHeader = "membreaker-priority";
    private boolean allowRaise;
    private Duration defaultHold = Duration.ofSeconds(1);
    private Duration maxHold = Duration.ofSeconds(30);
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /**
     * The time source holds are measured by (default {@link Ticker#system()}; tests give a fake
     * one).
     */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Which methods are SHEDDABLE (the same table the server uses); by default none. */
    public Builder priorities(MethodPriorities priorities) {
      this.priorities = Objects.requireNonNull(priorities, "priorities");
      return this;
    }

    /**
     * The request header that lowers a call's priority, as on the server; null to ignore headers.
     */
    public Builder priorityHeader(String header) {
      this.priorityHeader = header;
      return this;
    }

    /**
     * Whether the priority header may also raise a call's priority (default false): set it as the
     * server's {@code allowPriorityRaise}, so the client holds what the server would shed.
     */
    public Builder allowPriorityRaise(boolean allow) {
      this.allowRaise = allow;
      return this;
    }

    /** How long to hold after an admitted call said DEGRADED or worse, 0 to 1 min (default 1 s). */
    public Builder defaultHold(Duration hold) {
      this.defaultHold = upTo("defaultHold", hold, Duration.ofMinutes(1), "1m");
      return this;
    }

    /** The longest hold, whatever the pushback says, 0 to 10 min (default 30 s). */
    public Builder maxHold(Duration hold) {
      this.maxHold = upTo("maxHold", hold, Duration.ofMinutes(10), "10m");
      return this;
    }

    private static Duration upTo(String name, Duration d, Duration max, String maxText) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.compareTo(max) > 0) {
        throw new IllegalArgumentException(name + " must be in [0, " + maxText + "], was " + d);
      }
      return d;
    }

    public MemoryBreakerClientInterceptor build() {
      return new MemoryBreakerClientInterceptor(this);
    }
  }
}
