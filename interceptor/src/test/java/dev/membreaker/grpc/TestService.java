package dev.membreaker.grpc;

import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service for tests, with string messages (no code generation): Pay, Quote, Report and Fail
 * (unary), Upload (client streaming), Feed (server streaming), Chat (bidi). Every handler counts
 * how often it ran, so a test can tell that a shed call never reached it.
 */
public final class TestService {

  static final String SERVICE = "test.Payments";

  static final MethodDescriptor.Marshaller<String> STRING =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
          return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };

  public static final MethodDescriptor<String, String> PAY = method("Pay", MethodType.UNARY);
  public static final MethodDescriptor<String, String> QUOTE = method("Quote", MethodType.UNARY);
  public static final MethodDescriptor<String, String> REPORT = method("Report", MethodType.UNARY);
  static final MethodDescriptor<String, String> FAIL = method("Fail", MethodType.UNARY);
  static final MethodDescriptor<String, String> UPLOAD =
      method("Upload", MethodType.CLIENT_STREAMING);
  static final MethodDescriptor<String, String> FEED = method("Feed", MethodType.SERVER_STREAMING);
  static final MethodDescriptor<String, String> CHAT = method("Chat", MethodType.BIDI_STREAMING);

  /**
   * Server streaming that writes everything at once without looking at {@code isReady()}: the
   * request "N:SIZE" asks for N messages of SIZE characters.
   */
  static final MethodDescriptor<String, String> FLOOD =
      method("Flood", MethodType.SERVER_STREAMING);

  private static MethodDescriptor<String, String> method(String name, MethodType type) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(type)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
        .setRequestMarshaller(STRING)
        .setResponseMarshaller(STRING)
        .build();
  }

  final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
  final AtomicInteger uploadedMessages = new AtomicInteger();

  /** Released by a test to let a held unary call (request "hold") finish. */
  volatile CountDownLatch hold = new CountDownLatch(0);

  int runs(MethodDescriptor<?, ?> method) {
    AtomicInteger n = runs.get(method.getBareMethodName());
    return n == null ? 0 : n.get();
  }

  private void ran(String method) {
    runs.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
  }

  private ServerCalls.UnaryMethod<String, String> echo(String name) {
    return (request, response) -> {
      ran(name);
      if (request.equals("hold")) {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.onNext(name + ":" + request.length());
      response.onCompleted();
    };
  }

  ServerServiceDefinition definition() {
    return ServerServiceDefinition.builder(SERVICE)
        .addMethod(PAY, ServerCalls.asyncUnaryCall(echo("Pay")))
        .addMethod(QUOTE, ServerCalls.asyncUnaryCall(echo("Quote")))
        .addMethod(REPORT, ServerCalls.asyncUnaryCall(echo("Report")))
        .addMethod(
            FAIL,
            ServerCalls.asyncUnaryCall(
                (request, response) -> {
                  ran("Fail");
                  response.onError(
                      Status.INTERNAL.withDescription("failing on purpose").asRuntimeException());
                }))
        .addMethod(
            UPLOAD,
            ServerCalls.asyncClientStreamingCall(
                response -> {
                  ran("Upload");
                  return new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                      uploadedMessages.incrementAndGet();
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                      response.onNext("uploaded:" + uploadedMessages.get());
                      response.onCompleted();
                    }
                  };
                }))
        .addMethod(
            FEED,
            ServerCalls.asyncServerStreamingCall(
                (request, response) -> {
                  ran("Feed");
                  for (int i = 0; i < 3; i++) {
                    response.onNext("item" + i);
                  }
                  response.onCompleted();
                }))
        .addMethod(
            FLOOD,
            ServerCalls.asyncServerStreamingCall(
                (request, response) -> {
                  ran("Flood");
                  String[] spec = request.split(":");
                  String message = "f".repeat(Integer.parseInt(spec[1]));
                  io.grpc.stub.ServerCallStreamObserver<String> out =
                      (io.grpc.stub.ServerCallStreamObserver<String>) response;
                  for (int i = 0, n = Integer.parseInt(spec[0]); i < n && !out.isCancelled(); i++) {
                    response.onNext(message);
                  }
                  if (!out.isCancelled()) {
                    response.onCompleted();
                  }
                }))
        .addMethod(
            CHAT,
            ServerCalls.asyncBidiStreamingCall(
                response -> {
                  ran("Chat");
                  return new StreamObserver<String>() {
                    @Override
                    public void onNext(String value) {
                      response.onNext("echo:" + value);
                    }

                    @Override
                    public void onError(Throwable t) {}

                    @Override
                    public void onCompleted() {
                      response.onCompleted();
                    }
                  };
                }))
        .build();
  }
}
