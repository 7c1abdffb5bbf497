package dev.membreaker.admin;

import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Answers a request whose bytes are not the method's request message (random, truncated) with
 * INVALID_ARGUMENT, and logs it through the {@link RefusalLog} (with the peer, at most once per
 * interval), instead of gRPC's UNKNOWN and a SEVERE stack trace on every such call. It sits in
 * front of the service bound with byte messages ({@link #BYTES}), whose listener parses the request
 * when it is handed on: a parse failure surfaces here, before any handler runs.
 */
final class MalformedRequests implements ServerInterceptor {

  /** Requests and responses as bytes, so the parse happens inside the listener guarded here. */
  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  private final RefusalLog log;

  MalformedRequests(RefusalLog log) {
    this.log = log;
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
      private boolean refused;

      @Override
      public void onMessage(ReqT message) {
        if (refused) {
          return;
        }
        try {
          super.onMessage(message);
        } catch (RuntimeException e) { // the request marshaller's parse failure
          refused = true;
          Object peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
          log.refused(
              call.getMethodDescriptor().getBareMethodName(),
              String.valueOf(peer),
              "a request that is not a "
                  + call.getMethodDescriptor().getBareMethodName()
                  + " request message");
          call.close(
              Status.INVALID_ARGUMENT.withDescription(
                  "the request is not a valid "
                      + call.getMethodDescriptor().getFullMethodName()
                      + " request message"),
              new Metadata());
        }
      }

      @Override
      public void onHalfClose() {
        if (!refused) {
          super.onHalfClose();
        }
      }
    };
  }
}
