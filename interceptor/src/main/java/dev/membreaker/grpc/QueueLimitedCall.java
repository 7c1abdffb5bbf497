package dev.membreaker.grpc;

import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;

/**
 * An admitted call that streams responses: as {@link OutcomeRecordingCall}, and it limits what a
 * client that does not read can make the server hold ({@link #limitQueue}). Before each message, if
 * the transport is ready again, the bytes queued before are taken as written; after it, if more
 * than {@code max_queued_bytes_per_call} are queued and the transport is still not ready, the call
 * is ended with RESOURCE_EXHAUSTED ({@link MemoryBreakerServerInterceptor#endSlowReader}). From
 * then on the handler's messages and close are dropped, and the call reads as cancelled and not
 * ready, so a handler that checks {@code isCancelled()} or {@code isReady()} stops: what is queued
 * stops growing. It stays queued, and counted, until the client reads it, cancels, or its deadline
 * passes; gRPC gives a server no public way to reset one stream.
 */
class QueueLimitedCall<ReqT, RespT> extends OutcomeRecordingCall<ReqT, RespT> {

  private CallBytesTracer queue; // set before the handler starts; null: no limit
  private volatile boolean ended;

  QueueLimitedCall(
      ServerCall<ReqT, RespT> delegate,
      MemoryBreakerServerInterceptor owner,
      long startNanos,
      Deadline deadline) {
    super(delegate, owner, startNanos, deadline);
  }

  /** Limits the response bytes this call may leave queued, as {@code tracer} counts them. */
  void limitQueue(CallBytesTracer tracer) {
    this.queue = tracer;
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
    long limit = owner().maxQueuedBytesPerCall();
    long queued = q.queued();
    if (limit > 0 && queued > limit && !super.isReady()) {
      ended = true;
      owner().endSlowReader(delegate(), queued, limit);
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
    if (!ended) {
      super.close(status, trailers);
    }
  }
}
