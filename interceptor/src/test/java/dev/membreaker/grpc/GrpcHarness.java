package dev.membreaker.grpc;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real grpc-netty-shaded server on 127.0.0.1 (port 0) with the interceptor in front of {@link
 * TestService}, health checking, and a breaker on a fake live set and a fake clock that the test
 * drives. Closes everything it started.
 */
public final class GrpcHarness implements AutoCloseable {

  public final FakeTicker ticker = new FakeTicker();
  final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.2);
  public final MemoryBreaker breaker;
  public final MemoryBreakerServerInterceptor interceptor;
  final TestService service = new TestService();
  final HealthStatusManager health = new HealthStatusManager();
  final Server server;
  final ManagedChannel channel;

  public GrpcHarness() throws IOException {
    this(
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .recoverTime(Duration.ZERO)
            .build(),
        b -> {});
  }

  GrpcHarness(BreakerConfig config, Consumer<MemoryBreakerServerInterceptor.Builder> customize)
      throws IOException {
    this(config, customize, ch -> {});
  }

  GrpcHarness(
      BreakerConfig config,
      Consumer<MemoryBreakerServerInterceptor.Builder> customize,
      Consumer<NettyChannelBuilder> channelOptions)
      throws IOException {
    breaker =
        MemoryBreaker.builder()
            .config(config)
            .sources(List.of(live))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    MemoryBreakerServerInterceptor.Builder b =
        MemoryBreakerServerInterceptor.builder(breaker)
            .priorities(
                MethodPriorities.builder()
                    .put("test.Payments/Pay", dev.membreaker.policy.Priority.CRITICAL)
                    .put("test.Payments/Report", dev.membreaker.policy.Priority.SHEDDABLE)
                    .put("test.Payments/Upload", dev.membreaker.policy.Priority.SHEDDABLE)
                    .put("test.Payments/Fail", dev.membreaker.policy.Priority.CRITICAL)
                    .build());
    customize.accept(b);
    interceptor = b.build();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(service.definition())
            .addService(health.getHealthService())
            .addService(io.grpc.protobuf.services.ProtoReflectionServiceV1.newInstance())
            .addStreamTracerFactory(interceptor.streamTracerFactory())
            .intercept(interceptor)
            .build()
            .start();
    NettyChannelBuilder cb =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext();
    channelOptions.accept(cb);
    channel = cb.build();
  }

  /** Sets the live set's pressure and takes one sample. */
  public GrpcHarness pressure(double p) {
    live.setPressure(p);
    ticker.advance(Duration.ofMillis(50));
    breaker.evaluateNow();
    return this;
  }

  String call(io.grpc.MethodDescriptor<String, String> method, String request) {
    return ClientCalls.blockingUnaryCall(
        channel, method, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), request);
  }

  String call(io.grpc.MethodDescriptor<String, String> method, String request, Metadata headers) {
    return ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(
            channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
        method,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        request);
  }

  /** The status a unary call ends with (OK if it succeeded). */
  public Status.Code code(io.grpc.MethodDescriptor<String, String> method) {
    try {
      call(method, "x");
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    breaker.close();
  }
}
