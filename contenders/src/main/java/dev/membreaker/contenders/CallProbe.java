package dev.membreaker.contenders;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Tells, for every contender alike, which calls its guard refused: the {@link #outer()} interceptor
 * sits outside the guard, the {@link #inner()} one next to the handler. A call closed without
 * having reached the inner one was shed by the guard; its trailers then carry {@code
 * x-contender-shed: 1}, so the load side classifies each call exactly, whatever status the guard
 * chose.
 */
final class CallProbe {

  static final Metadata.Key<String> SHED_TRAILER =
      Metadata.Key.of("x-contender-shed", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<AtomicBoolean> REACHED = Context.key("contender-reached");

  final LongAdder started = new LongAdder();
  final LongAdder admitted = new LongAdder();
  final LongAdder shed = new LongAdder();

  ServerInterceptor outer() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        started.increment();
        AtomicBoolean reached =
            new AtomicBoolean(); // set on the call's thread, read wherever it closes
        ServerCall<ReqT, RespT> marking =
            new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
              @Override
              public void close(Status status, Metadata trailers) {
                if (!reached.get()) {
                  shed.increment();
                  trailers.put(SHED_TRAILER, "1");
                }
                super.close(status, trailers);
              }
            };
        return Contexts.interceptCall(
            Context.current().withValue(REACHED, reached), marking, headers, next);
      }
    };
  }

  ServerInterceptor inner() {
    return new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        AtomicBoolean reached = REACHED.get();
        if (reached != null) {
          reached.set(true);
        }
        admitted.increment();
        return next.startCall(call, headers);
      }
    };
  }
}
