package dev.membreaker.benchmarks;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.ByteArrayMarshaller;
import dev.membreaker.testing.FakeMemorySource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.CallOptions;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One in-process unary call (direct executors, a 1-byte message) with no interceptor, a
 * pass-through interceptor, membreaker's in HEALTHY, and a Resilience4j CircuitBreaker in an
 * interceptor (acquire at start, onSuccess/onError at close), side by side. With {@code -prof gc}
 * the B/op column is what each adds to a call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class InterceptorBenchmark {

  static final MethodDescriptor.Marshaller<byte[]> BYTES = ByteArrayMarshaller.INSTANCE;

  static final MethodDescriptor<byte[], byte[]> ECHO =
      MethodDescriptor.<byte[], byte[]>newBuilder()
          .setType(MethodDescriptor.MethodType.UNARY)
          .setFullMethodName("bench.Echo/Echo")
          .setRequestMarshaller(BYTES)
          .setResponseMarshaller(BYTES)
          .build();

  /** {@code membreaker-tracer}: with its stream tracer on the server (the in-flight account). */
  @Param({"none", "passthrough", "membreaker", "membreaker-tracer", "resilience4j"})
  public String interceptor;

  private Server server;
  private ManagedChannel channel;
  private MemoryBreaker breaker;
  private final byte[] request = {1};

  @Setup
  public void setUp() throws IOException {
    ServerServiceDefinition echo =
        ServerServiceDefinition.builder("bench.Echo")
            .addMethod(
                ECHO,
                ServerCalls.asyncUnaryCall(
                    (req, out) -> {
                      out.onNext(req);
                      out.onCompleted();
                    }))
            .build();
    breaker =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).build())
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3)))
            .build();
    breaker.evaluateNow();
    ServerServiceDefinition service;
    io.grpc.ServerStreamTracer.Factory tracers = null;
    switch (interceptor) {
      case "none":
        service = echo;
        break;
      case "passthrough":
        service = ServerInterceptors.intercept(echo, new PassThrough());
        break;
      case "membreaker":
        service = MemoryBreakerServerInterceptor.of(breaker).wrap(echo);
        break;
      case "membreaker-tracer":
        {
          MemoryBreakerServerInterceptor membreaker = MemoryBreakerServerInterceptor.of(breaker);
          service = membreaker.wrap(echo);
          tracers = membreaker.streamTracerFactory();
          break;
        }
      case "resilience4j":
        service =
            ServerInterceptors.intercept(
                echo,
                new Resilience4jInterceptor(
                    CircuitBreaker.of("bench", CircuitBreakerConfig.ofDefaults())));
        break;
      default:
        throw new IllegalArgumentException(interceptor);
    }
    String name = "bench-" + interceptor + "-" + System.nanoTime();
    InProcessServerBuilder builder =
        InProcessServerBuilder.forName(name).directExecutor().addService(service);
    if (tracers != null) {
      builder.addStreamTracerFactory(tracers);
    }
    server = builder.build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @TearDown
  public void tearDown() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    breaker.close();
  }

  @Benchmark
  public byte[] unaryCall() {
    return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, request);
  }

  /** Does nothing: the cost of an interceptor as such. */
  static final class PassThrough implements ServerInterceptor {
    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      return next.startCall(call, headers);
    }
  }

  /** A Resilience4j CircuitBreaker as a server interceptor, the way its docs use the breaker. */
  static final class Resilience4jInterceptor implements ServerInterceptor {
    private final CircuitBreaker breaker;

    Resilience4jInterceptor(CircuitBreaker breaker) {
      this.breaker = breaker;
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      if (!breaker.tryAcquirePermission()) {
        call.close(Status.UNAVAILABLE.withDescription("circuit open"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
      long start = breaker.getCurrentTimestamp();
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              long took = breaker.getCurrentTimestamp() - start;
              if (status.isOk()) {
                breaker.onSuccess(took, breaker.getTimestampUnit());
              } else {
                breaker.onError(took, breaker.getTimestampUnit(), status.asRuntimeException());
              }
              super.close(status, trailers);
            }
          },
          headers);
    }
  }
}
