package dev.membreaker.contenders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.contenders.peers.AdmissionCheck;
import dev.membreaker.contenders.peers.RefusingInterceptor;
import dev.membreaker.testing.ByteArrayMarshaller;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers' guards in a real server on 127.0.0.1: where they refuse and how the client sees it.
 */
class PeerGuardsOverGrpcTest {

  private static final MethodDescriptor<byte[], byte[]> ECHO =
      ByteArrayMarshaller.unary("test.Echo/Size");

  private final AtomicInteger handled = new AtomicInteger();
  private final Semaphore inHandler = new Semaphore(0);
  private volatile CountDownLatch release = new CountDownLatch(0);
  private Server server;
  private ManagedChannel channel;

  private ServerServiceDefinition echo() {
    return ServerServiceDefinition.builder("test.Echo")
        .addMethod(
            ECHO,
            ServerCalls.asyncUnaryCall(
                (req, out) -> {
                  handled.incrementAndGet();
                  inHandler.release();
                  try {
                    release.await(30, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  out.onNext(new byte[] {(byte) req.length});
                  out.onCompleted();
                }))
        .build();
  }

  private void start(NettyServerBuilder builder) throws IOException {
    server = builder.build().start(); // handlers that wait must not run on the transport thread
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    release.countDown();
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRefusingCheckClosesTheCallWithResourceExhaustedBeforeTheHandler() throws IOException {
    AtomicBoolean admit = new AtomicBoolean(true);
    AdmissionCheck check =
        new AdmissionCheck() {
          @Override
          public boolean admits() {
            return admit.get();
          }

          @Override
          public double reading() {
            return 0.5;
          }

          @Override
          public String state() {
            return admit.get() ? "closed" : "tripped";
          }
        };
    start(
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                io.grpc.ServerInterceptors.intercept(
                    echo(), new RefusingInterceptor("peer", check))));
    assertThat(
            ClientCalls.blockingUnaryCall(channel, ECHO, io.grpc.CallOptions.DEFAULT, new byte[3]))
        .containsExactly(3);
    admit.set(false);
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel, ECHO, io.grpc.CallOptions.DEFAULT, new byte[3]))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
              assertThat(e.getStatus().getDescription()).contains("peer refused", "tripped");
            });
    assertThat(handled).as("the refused call never reached its handler").hasValue(1);
  }

  @Test
  void theMembreakerContenderIsBuiltAsUsersBuildItWithEveryKeyOfItsConfigFile(@TempDir Path dir)
      throws Exception {
    // max_concurrent_calls was one of the keys the contender dropped when it wired membreaker by
    // hand
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, "interceptor:\n  max_concurrent_calls: 1\n");
    System.setProperty(Guard.CONFIG_PROPERTY, file.toString());
    Guard.Installed installed;
    try {
      installed = Guard.MEMBREAKER.install();
    } finally {
      System.clearProperty(Guard.CONFIG_PROPERTY);
    }
    try {
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(io.grpc.ServerInterceptors.intercept(echo(), installed.interceptors()));
      installed.tracers().forEach(builder::addStreamTracerFactory);
      start(builder);
      release = new CountDownLatch(1);
      CompletableFuture<byte[]> first = new CompletableFuture<>();
      ClientCalls.asyncUnaryCall(
          channel.newCall(ECHO, io.grpc.CallOptions.DEFAULT),
          new byte[1],
          new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              first.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              first.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
      assertThat(inHandler.tryAcquire(10, TimeUnit.SECONDS))
          .as("the first call is in its handler")
          .isTrue();
      assertThatThrownBy(
              () ->
                  ClientCalls.blockingUnaryCall(
                      channel, ECHO, io.grpc.CallOptions.DEFAULT, new byte[2]))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription())
                    .contains("max_concurrent_calls (1) reached");
              });
      release.countDown();
      assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly(1);
    } finally {
      installed.close().close();
    }
  }

  @Test
  void grpcLimitsRefuseMessagesOverFiveMebibytesAndQueueCallsOverTwentyFivePerConnection()
      throws Exception {
    NettyServerBuilder builder =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(echo());
    Guard.GRPC_LIMITS.install().transport().accept(builder);
    start(builder);
    // the largest request the demo takes (a 4 MiB upload and its fields) passes; more does not
    assertThat(
            ClientCalls.blockingUnaryCall(
                channel, ECHO, io.grpc.CallOptions.DEFAULT, new byte[(4 << 20) + 64]))
        .hasSize(1);
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    channel,
                    ECHO,
                    io.grpc.CallOptions.DEFAULT,
                    new byte[Guard.GRPC_LIMITS_MAX_MESSAGE + 1]))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));

    release = new CountDownLatch(1);
    int limit = Guard.GRPC_LIMITS_MAX_CALLS;
    List<CompletableFuture<byte[]>> calls = new ArrayList<>();
    for (int i = 0; i <= limit; i++) { // one more than the limit, on one connection
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      calls.add(f);
      ClientCalls.asyncUnaryCall(
          channel.newCall(ECHO, io.grpc.CallOptions.DEFAULT),
          new byte[1],
          new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              f.complete(value);
            }

            @Override
            public void onError(Throwable t) {
              f.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
          });
    }
    assertThat(inHandler.tryAcquire(limit, 10, TimeUnit.SECONDS))
        .as("the first %d calls start", limit)
        .isTrue();
    assertThat(inHandler.tryAcquire(1, 500, TimeUnit.MILLISECONDS))
        .as("the call over the limit waits in the client, not refused and not started")
        .isFalse();
    release.countDown();
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    assertThat(calls).allMatch(f -> !f.isCompletedExceptionally());
  }
}
