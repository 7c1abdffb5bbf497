package dev.membreaker.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;

/**
 * Tells the interceptor the wire size of each inbound message before the message reaches the
 * call's listener: the transport reports a message's size as soon as its frame is read, and only
 * then hands it on. Register the factory from {@link
 * MemoryBreakerServerInterceptor#inboundSizeTracerFactory()} on the server builder to enable
 * size-aware shedding.
 */
final class InboundSizeTracer extends ServerStreamTracer {

  static final Context.Key<InboundSizeTracer> KEY = Context.key("membreaker-inbound-size");

  private volatile long lastWireSize = -1;

  @Override
  public Context filterContext(Context context) {
    return context.withValue(KEY, this);
  }

  @Override
  public void inboundMessageRead(int seqNo, long optionalWireSize, long optionalUncompressedSize) {
    lastWireSize = optionalWireSize >= 0 ? optionalWireSize : optionalUncompressedSize;
  }

  /** The wire size of the latest inbound message (-1 if unknown). */
  long lastWireSize() {
    return lastWireSize;
  }

  /** The factory to add to the server builder. */
  static final class Factory extends ServerStreamTracer.Factory {
    @Override
    public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
      return new InboundSizeTracer();
    }
  }
}
