package dev.membreaker.grpc;

import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * Wraps an admitted call to tell the outcome breaker how it ended: its status code and latency,
 * recorded once when the handler closes it. A call the client cancelled or whose deadline passed
 * is recorded as CANCELLED or DEADLINE_EXCEEDED, whatever the handler said after. While the
 * breaker is DEGRADED or worse the call's trailers say so ({@code membreaker-state}), for clients
 * that hold their own SHEDDABLE calls ({@link MemoryBreakerClientInterceptor}). Its fields are
 * all a call pays for outcome recording: one object, no other allocation.
 *
 * <p>For a call that streams responses, it also limits what a client that does not read can make
 * the server hold ({@link #limitQueue}): before each message, if the transport is ready again the
 * bytes queued before are taken as written; after it, if more than {@code
 * max_queued_bytes_per_call} are queued and the transport is still not ready, the call is ended
 * with RESOURCE_EXHAUSTED, and from then on the handler's messages and close are dropped and the
 * call reads as cancelled (so a handler that checks {@code isCancelled()} stops).
 */
class OutcomeRecordingCall<ReqT, RespT> extends SimpleForwardingServerCall<ReqT, RespT> {

  private final MemoryBreakerServerInterceptor owner;
  private final long startNanos;
  private final Deadline deadline;
  private CallBytesTracer queue; // set before the handler starts; null unless responses stream
  private Context.CancellableContext context; // the call's, to reset its stream when it is ended
  private volatile boolean ended;

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

  /** Limits the response bytes this call may leave queued, as {@code tracer} counts them. */
  void limitQueue(CallBytesTracer tracer, Context context) {
    this.queue = tracer;
    this.context = context instanceof Context.CancellableContext ? (Context.CancellableContext) context : null;
  }

  @Override
  public void sendMessage(RespT message) {
    CallBytesTracer q = queue;
    if (q == null) {
      super.sendMessage(message);
      return;
    }
    if (ended) {
      return;
    }
    if (q.queued() > 0 && super.isReady()) {
      q.drained();
    }
    super.sendMessage(message);
    long limit = owner.maxQueuedBytesPerCall();
    long queued = q.queued();
    if (limit > 0 && queued > limit && !super.isReady()) {
      ended = true;
      owner.endSlowReader(delegate(), context, queued, limit);
    }
  }

  @Override
  public boolean isReady() {
    return !ended && super.isReady();
  }

  @Override
  public boolean isCancelled() {
    return ended || super.isCancelled();
  }

  @Override
  public void close(Status status, Metadata trailers) {
    if (ended) {
      return;
    }
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
