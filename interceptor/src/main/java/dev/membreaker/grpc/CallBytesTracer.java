package dev.membreaker.grpc;

import dev.membreaker.breaker.InFlightBytes;
import dev.membreaker.policy.Priority;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One call's bytes in the breaker's {@link InFlightBytes} account, moved as the transport reports
 * them:
 *
 * <ul>
 *   <li>request bytes from the moment the transport reads them into a message ({@link
 *       #inboundWireSize}) until the message is handed to the application ({@link #handed}, from
 *       the listener's {@code onMessage});
 *   <li>response bytes from the moment a message is framed ({@link #outboundWireSize}) until the
 *       transport says the call is ready again ({@link #drained}: gRPC's {@code onReady}, or {@code
 *       isReady()} before the next message), which it is only once what was queued is under its 32
 *       KiB threshold;
 *   <li>whatever is left when the stream closes ({@link #streamClosed}), on every path: normal end,
 *       cancel, deadline, transport error, shed.
 * </ul>
 *
 * <p>Every byte added is removed exactly once: each of the two counters only moves by atomic
 * operations that never take it below zero, every move is mirrored in the account, and after the
 * stream closed whatever arrives is removed at once.
 *
 * <p>Only calls the interceptor admitted are counted ({@link #attach}, before the handler starts
 * and so before any byte is read or written): exempt services, shed calls and services the
 * interceptor does not guard are not, so nothing they hold can swell the account.
 *
 * <p>For a call whose client sends one message (unary, server streaming), the interceptor also
 * watches the request: a request message still arriving, with at least {@link #LARGE_REQUEST_BYTES}
 * read, while the account is at its priority's limit is refused there and then, before the rest of
 * its bytes are read, instead of after the whole of it filled memory. The handler has not started
 * then (it starts at half-close), so closing the call from the transport's thread races with
 * nothing.
 */
final class CallBytesTracer extends ServerStreamTracer {

  static final Context.Key<CallBytesTracer> KEY = Context.key("membreaker-call-bytes");

  /**
   * A request is cut only once it holds this much: a small one (a payment, a query) frees next to
   * nothing by being refused, whatever else fills the account.
   */
  static final long LARGE_REQUEST_BYTES = 64 << 10;

  private static final VarHandle INBOUND;
  private static final VarHandle COMPLETED;
  private static final VarHandle OUTBOUND;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INBOUND = l.findVarHandle(CallBytesTracer.class, "inbound", long.class);
      COMPLETED = l.findVarHandle(CallBytesTracer.class, "completed", long.class);
      OUTBOUND = l.findVarHandle(CallBytesTracer.class, "outbound", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final InFlightBytes account;
  private volatile long inbound; // request bytes of this call in the account
  private volatile long completed; // of those, the bytes of whole messages not yet handed on
  private volatile long outbound; // response bytes of this call in the account
  private volatile boolean closed;
  private volatile long lastWireSize = -1;
  // Written by attach() before the volatile write of attached, read after its volatile read: one
  // fence publishes all three. watchedCall is then only written and read on the transport's thread.
  private ServerCall<?, ?> watchedCall; // for calls whose request may be cut while it arrives
  private Priority watchedPriority;
  private MemoryBreakerServerInterceptor owner;
  private volatile boolean attached;
  private volatile boolean cut;

  CallBytesTracer(InFlightBytes account) {
    this.account = account;
  }

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void inboundWireSize(long bytes) {
    if (bytes <= 0 || !attached) {
      return;
    }
    INBOUND.getAndAdd(this, bytes);
    account.add(bytes);
    if (closed) {
      take(INBOUND, bytes);
      return;
    }
    ServerCall<?, ?> call = watchedCall;
    if (call != null
        && !cut
        && inbound >= LARGE_REQUEST_BYTES
        && account.overLimit(watchedPriority)) {
      cut = true;
      watchedCall = null;
      owner.refuseInFlight(call, account.bytes());
    }
  }

  @Override
  public void inboundMessageRead(int seqNo, long optionalWireSize, long optionalUncompressedSize) {
    lastWireSize = optionalWireSize >= 0 ? optionalWireSize : optionalUncompressedSize;
    if (optionalWireSize > 0) {
      COMPLETED.getAndAdd(this, optionalWireSize);
    }
  }

  @Override
  public void outboundWireSize(long bytes) {
    if (bytes <= 0 || !attached) {
      return;
    }
    OUTBOUND.getAndAdd(this, bytes);
    account.add(bytes);
    if (closed) {
      take(OUTBOUND, bytes);
    }
  }

  @Override
  public void streamClosed(Status status) {
    closed = true;
    // A counter read as 0 needs no atomic take: a byte added after this read sees closed and
    // takes itself out.
    long left =
        (inbound == 0 ? 0 : (long) INBOUND.getAndSet(this, 0L))
            + (outbound == 0 ? 0 : (long) OUTBOUND.getAndSet(this, 0L));
    if (left > 0) {
      account.release(left);
    }
  }

  /**
   * Counts this admitted call's bytes from now on. With {@code watchRequest} (only for calls whose
   * client sends one message), its request is refused while it is still arriving if the account
   * reaches the limit of its {@code priority}.
   */
  void attach(
      ServerCall<?, ?> call,
      Priority priority,
      MemoryBreakerServerInterceptor owner,
      boolean watchRequest) {
    if (watchRequest) {
      this.owner = owner;
      this.watchedPriority = priority;
      this.watchedCall = call;
    }
    attached = true;
  }

  /** Whether the request was refused while it arrived: the listener must drop what follows. */
  boolean cut() {
    return cut;
  }

  /** The messages read so far have reached the application: their bytes leave the account. */
  void handed() {
    long n = (long) COMPLETED.getAndSet(this, 0L);
    if (n > 0) {
      take(INBOUND, n);
    }
  }

  /** The transport wrote what was queued for the client: those bytes leave the account. */
  void drained() {
    long n = (long) OUTBOUND.getAndSet(this, 0L);
    if (n > 0) {
      account.release(n);
    }
  }

  /** Response bytes queued for the client and not yet known to be written. */
  long queued() {
    return outbound;
  }

  /** The wire size of the latest inbound message (-1 if unknown). */
  long lastWireSize() {
    return lastWireSize;
  }

  /** Takes up to {@code n} from {@code counter} (never below zero) and out of the account. */
  private void take(VarHandle counter, long n) {
    while (true) {
      long have = (long) counter.getVolatile(this);
      long taken = Math.min(have, n);
      if (taken <= 0) {
        return;
      }
      if (counter.compareAndSet(this, have, have - taken)) {
        account.release(taken);
        return;
      }
    }
  }

  /** The factory to add to the server builder. */
  static final class Factory extends ServerStreamTracer.Factory {
    private final InFlightBytes account;

    Factory(InFlightBytes account) {
      this.account = account;
    }

    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new CallBytesTracer(account);
    }
  }
}
