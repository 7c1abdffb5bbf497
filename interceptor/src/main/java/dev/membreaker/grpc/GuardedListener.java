package dev.membreaker.grpc;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.ServerCall;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The listener side of an admitted call, used only when a feature needs it: it tells the call's
 * byte tracer when messages reach the application and when the transport is ready again (so their
 * bytes leave the in-flight account), drops what follows a request refused while it arrived,
 * releases the call's in-flight slot exactly once (on completion or cancellation), refuses an
 * inbound message over the size limit while the breaker restricts (before the handler sees it), and
 * lets a throttled stream go when it ends.
 */
final class GuardedListener<ReqT, RespT> extends SimpleForwardingServerCallListener<ReqT> {

  private static final AtomicIntegerFieldUpdater<GuardedListener<?, ?>> DONE = newUpdater();

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static AtomicIntegerFieldUpdater<GuardedListener<?, ?>> newUpdater() {
    return (AtomicIntegerFieldUpdater)
        AtomicIntegerFieldUpdater.newUpdater(GuardedListener.class, "done");
  }

  private final MemoryBreakerServerInterceptor owner;
  private final ServerCall<ReqT, RespT> rawCall;
  private final ThrottledCall<ReqT, RespT> throttled;
  private final CallBytesTracer tracer;
  private final boolean holdsSlot;
  private volatile int done;
  private volatile boolean refused;

  GuardedListener(
      ServerCall.Listener<ReqT> delegate,
      MemoryBreakerServerInterceptor owner,
      ServerCall<ReqT, RespT> rawCall,
      ThrottledCall<ReqT, RespT> throttled,
      CallBytesTracer tracer,
      boolean holdsSlot) {
    super(delegate);
    this.owner = owner;
    this.rawCall = rawCall;
    this.throttled = throttled;
    this.tracer = tracer;
    this.holdsSlot = holdsSlot;
  }

  @Override
  public void onMessage(ReqT message) {
    if (tracer != null) {
      tracer.handed();
    }
    if (refused || (tracer != null && tracer.cut())) {
      return;
    }
    if (tracer != null && owner.refusesSize(tracer.lastWireSize())) {
      refused = true;
      owner.refuseLarge(rawCall, tracer.lastWireSize());
      return;
    }
    super.onMessage(message);
  }

  @Override
  public void onHalfClose() {
    if (!refused && (tracer == null || !tracer.cut())) {
      super.onHalfClose();
    }
  }

  @Override
  public void onReady() {
    // onReady runs on the call's serializing executor, possibly long after the transport turned
    // ready: a handler that writes in a loop without checking isReady() queues its messages in
    // front of it, so by now the queue may have grown far past the threshold. Only the transport's
    // current word counts: a stale onReady must not take still-queued bytes out of the account.
    if (tracer != null && rawCall.isReady()) {
      tracer.drained();
    }
    if (!refused && (tracer == null || !tracer.cut())) {
      super.onReady();
    }
  }

  @Override
  public void onCancel() {
    finish();
    super.onCancel();
  }

  @Override
  public void onComplete() {
    finish();
    super.onComplete();
  }

  private void finish() {
    if (DONE.compareAndSet(this, 0, 1)) {
      if (holdsSlot) {
        owner.releaseSlot();
      }
      if (throttled != null) {
        throttled.release();
      }
    }
  }
}
