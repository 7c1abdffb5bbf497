package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.InFlightBytes;
import dev.membreaker.policy.Priority;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

/**
 * The listener's part in the account of response bytes, with the transport's readiness set by hand:
 * gRPC delivers {@code onReady} on the call's serializing executor, behind whatever the handler is
 * doing, so by the time it runs the queue may be full again.
 */
class GuardedListenerTest {

  private final InFlightBytes account = new InFlightBytes(1L << 30, BreakerConfig.defaults());

  @Test
  void aStaleOnReadyLeavesBytesStillQueuedInTheAccount() {
    TransportCall call = new TransportCall();
    CallBytesTracer tracer = new CallBytesTracer(account);
    tracer.attach(null, Priority.DEFAULT, null, false);
    GuardedListener<String, String> listener =
        new GuardedListener<>(new ServerCall.Listener<>() {}, null, call, null, tracer, false);

    // The transport turned ready between two messages and queued an onReady; the handler went on
    // writing 4 MiB before the executor ran it. The transport is not ready now.
    tracer.outboundWireSize(4 << 20);
    call.ready = false;
    listener.onReady();
    assertThat(account.bytes()).as("bytes still queued stay counted").isEqualTo(4 << 20);

    call.ready = true; // the client read them
    listener.onReady();
    assertThat(account.bytes()).isZero();
  }

  /** A server call whose only behaviour is the transport's readiness. */
  private static final class TransportCall extends ServerCall<String, String> {
    volatile boolean ready = true;

    @Override
    public boolean isReady() {
      return ready;
    }

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {}

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public Attributes getAttributes() {
      return Attributes.EMPTY;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      return TestService.REPORT;
    }
  }
}
