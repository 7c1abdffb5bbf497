package dev.membreaker.grpc;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.grpc.Deadline;
import io.grpc.ServerCall;

/**
 * An admitted SHEDDABLE client or bidi stream whose inbound flow control the breaker holds: while
 * the breaker restricts SHEDDABLE calls (DEGRADED or worse), the handler's {@code request(n)} is
 * withheld, so the sender's HTTP/2 window fills and its {@code isReady()} turns false instead of
 * its messages filling our memory. The withheld requests are passed on when the breaker lets
 * SHEDDABLE calls in again. A bidi stream's responses are limited as {@link QueueLimitedCall}'s.
 */
final class ThrottledCall<ReqT, RespT> extends QueueLimitedCall<ReqT, RespT> {

  private final FlowGate gate;

  @GuardedBy("this")
  private int withheld;

  ThrottledCall(
      ServerCall<ReqT, RespT> delegate,
      MemoryBreakerServerInterceptor owner,
      long startNanos,
      Deadline deadline,
      FlowGate gate) {
    super(delegate, owner, startNanos, deadline);
    this.gate = gate;
  }

  @Override
  public void request(int numMessages) {
    if (!gate.closed()) {
      super.request(numMessages);
      return;
    }
    synchronized (this) {
      withheld += numMessages;
    }
    gate.hold(this);
    if (!gate.closed()) {
      release(); // the gate opened while we registered
    }
  }

  /** Passes on what was withheld. Safe from any thread; ServerCall.request is thread-safe. */
  void release() {
    int n;
    synchronized (this) {
      n = withheld;
      withheld = 0;
    }
    gate.forget(this);
    if (n > 0) {
      super.request(n);
    }
  }
}
