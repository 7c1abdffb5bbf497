package dev.membreaker.benchmarks;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.grpc.MemoryBreakerServerInterceptor;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
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
 * What an interceptor itself costs a call, without the transport around it: {@code interceptCall}
 * on a stub call and handler, then the handler's {@code close(OK)} through whatever the interceptor
 * wrapped. A whole in-process call ({@link InterceptorBenchmark}) is ~3 µs with a run-to-run noise
 * of several percent here; this isolates the difference between interceptors.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class InterceptOverheadBenchmark {

  /**
   * {@code membreaker}: no stream tracer on the server (no in-flight account); {@code
   * membreaker-tracer}: with {@code streamTracerFactory()}, so each call also pays for its tracer
   * (which grpc creates per stream), the account's attach, one 1-byte request message read and
   * handed to the application, and the stream's close. {@code passthrough-tracer}: the same tracer
   * calls on a tracer that only puts itself in the call's context, what any stream tracer costs
   * (grpc-java's own census and OpenTelemetry tracers do at least that).
   */
  @Param({"passthrough", "passthrough-tracer", "membreaker", "membreaker-tracer"})
  public String interceptor;

  private ServerStreamTracer.Factory tracers;
  private final byte[] message = new byte[1];

  private ServerInterceptor chosen;
  private MemoryBreaker breaker;
  private final StubCall call = new StubCall();
  private final Metadata headers = new Metadata();
  private final ServerCallHandler<byte[], byte[]> handler =
      (c, h) -> {
        c.close(Status.OK, h);
        return new ServerCall.Listener<>() {};
      };

  @Setup
  public void setUp() {
    breaker =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).build())
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3)))
            .build();
    breaker.evaluateNow();
    chosen =
        interceptor.startsWith("membreaker")
            ? MemoryBreakerServerInterceptor.of(breaker)
            : new InterceptorBenchmark.PassThrough();
    if (interceptor.equals("membreaker-tracer")) {
      tracers = ((MemoryBreakerServerInterceptor) chosen).streamTracerFactory();
    } else if (interceptor.equals("passthrough-tracer")) {
      tracers =
          new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(
                String fullMethodName, Metadata headers) {
              return new ContextOnlyTracer();
            }
          };
    }
  }

  @TearDown
  public void tearDown() {
    breaker.close();
  }

  @Benchmark
  public Object interceptAndClose() {
    if (tracers == null) {
      return chosen.interceptCall(call, headers, handler);
    }
    ServerStreamTracer tracer =
        tracers.newServerStreamTracer(InterceptorBenchmark.ECHO.getFullMethodName(), headers);
    Context context = tracer.filterContext(Context.ROOT);
    Context previous = context.attach();
    try {
      ServerCall.Listener<byte[]> listener = chosen.interceptCall(call, headers, handler);
      tracer.inboundWireSize(1);
      tracer.inboundMessageRead(0, 1, 1);
      listener.onMessage(message);
      tracer.streamClosed(Status.OK);
      return listener;
    } finally {
      context.detach(previous);
    }
  }

  /** A stream tracer that only puts itself in the call's context. */
  static final class ContextOnlyTracer extends ServerStreamTracer {
    static final Context.Key<ContextOnlyTracer> KEY = Context.key("bench-tracer");

    @Override
    public Context filterContext(Context context) {
      return context.withValue(KEY, this);
    }
  }

  /** The least a ServerCall can be: the method, and nothing done on close. */
  static final class StubCall extends ServerCall<byte[], byte[]> {
    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(byte[] message) {}

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
    public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
      return InterceptorBenchmark.ECHO;
    }
  }
}
