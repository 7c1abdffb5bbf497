package dev.membreaker.grpc;

import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Wraps an admitted call to tell the outcome breaker how it ended: its status code and latency,
 * recorded once when the handler closes it. A call the client cancelled or whose deadline passed is
 * recorded as CANCELLED or DEADLINE_EXCEEDED, whatever the handler said after. While the breaker is
 * DEGRADED or worse the call's trailers say so ({@code membreaker-state}), for clients that hold
 * their own SHEDDABLE calls ({@link MemoryBreakerClientInterceptor}). Its fields are all a call
 * pays for outcome recording: one object, no other allocation. Calls that stream responses get
 * {@link QueueLimitedCall} instead.
 */
class OutcomeRecordingCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

  private final MemoryBreakerServerInterceptor owner;
  private final long startNanos;
  private final Deadline deadline;

  OutcomeRecordingCall(
      ServerCall<ReqT, RespT> delegate,
      MemoryBreakerServerInterceptor owner,
      long startNanos,
      Deadline deadline) {
    super(delegate);
    this.owner = owner;
    this.startNanos = startNanos;
    this.deadline = deadline;
  }

  /** The interceptor this call reports to. */
  final MemoryBreakerServerInterceptor owner() {
    return owner;
  }

  @Override
  public void close(Status status, Metadata trailers) {
    int code = status.getCode().value();
    if (isCancelled()) {
      code =
          deadline != null && deadline.isExpired()
              ? Status.Code.DEADLINE_EXCEEDED.value()
              : Status.Code.CANCELLED.value();
    }
    owner.recordOutcome(code, startNanos);
    owner.addStateTrailer(trailers);
    super.close(status, trailers);
  }
}
