package dev.membreaker.contenders;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A Resilience4j CircuitBreaker around every call, as a server interceptor. Resilience4j ships no
 * gRPC module, so this is the usual shape: ask for a permission before the handler, refuse with
 * UNAVAILABLE when none is given, and record the call's outcome. Server-side failures count as
 * errors; a client's mistakes (INVALID_ARGUMENT and the like) count as successes.
 */
final class Resilience4jServerInterceptor implements ServerInterceptor {

  private static final Set<Status.Code> FAILURES =
      EnumSet.of(
          Status.Code.UNKNOWN,
          Status.Code.INTERNAL,
          Status.Code.UNAVAILABLE,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.DATA_LOSS);

  private final CircuitBreaker breaker;

  Resilience4jServerInterceptor(CircuitBreaker breaker) {
    this.breaker = breaker;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    if (!breaker.tryAcquirePermission()) {
      call.close(
          Status.UNAVAILABLE.withDescription(
              "CircuitBreaker '" + breaker.getName() + "' is " + breaker.getState()),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    long start = breaker.getCurrentTimestamp();
    AtomicBoolean recorded = new AtomicBoolean();
    ServerCall<ReqT, RespT> recording =
        new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
          @Override
          public void close(Status status, Metadata trailers) {
            if (recorded.compareAndSet(false, true)) {
              long took = breaker.getCurrentTimestamp() - start;
              if (FAILURES.contains(status.getCode())) {
                breaker.onError(took, breaker.getTimestampUnit(), status.asRuntimeException());
              } else {
                breaker.onSuccess(took, breaker.getTimestampUnit());
              }
            }
            super.close(status, trailers);
          }
        };
    ServerCall.Listener<ReqT> listener;
    try {
      listener = next.startCall(recording, headers);
    } catch (RuntimeException | Error e) {
      if (recorded.compareAndSet(false, true)) {
        breaker.onError(breaker.getCurrentTimestamp() - start, breaker.getTimestampUnit(), e);
      }
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onCancel() {
        if (recorded.compareAndSet(false, true)) {
          breaker.releasePermission(); // the client went away: no outcome to record
        }
        super.onCancel();
      }
    };
  }
}
