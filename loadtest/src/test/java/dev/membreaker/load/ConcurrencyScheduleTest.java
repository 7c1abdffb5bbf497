package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.cli.MembreakerCli;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** --concurrency-schedule step: the calls in flight at the server rise with the schedule. */
class ConcurrencyScheduleTest {

  /** Counts calls in flight; the first 300 ms of the run and the whole run kept apart. */
  static final class InFlight implements ServerInterceptor {
    final AtomicInteger now = new AtomicInteger();
    final AtomicInteger maxEarly = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    volatile long firstCall;

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      if (!call.getMethodDescriptor().getServiceName().equals("grpc.health.v1.Health")) {
        return next.startCall(call, headers);
      }
      if (firstCall == 0) {
        firstCall = System.nanoTime();
      }
      int n = now.incrementAndGet();
      max.accumulateAndGet(n, Math::max);
      if (System.nanoTime() - firstCall < 300_000_000L) {
        maxEarly.accumulateAndGet(n, Math::max);
      }
      try {
        Thread.sleep(20); // the server's own work: each call takes 20 ms
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return next.startCall(
          new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
              now.decrementAndGet();
              super.close(status, trailers);
            }
          },
          headers);
    }
  }

  @Test
  void loopsRiseByStep() throws Exception {
    InFlight inFlight = new InFlight();
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                ServerInterceptors.intercept(
                    new HealthStatusManager().getHealthService(), inFlight))
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    try {
      StringWriter err = new StringWriter();
      CommandLine cli = MembreakerCli.commandLine();
      cli.setOut(new PrintWriter(new StringWriter(), true));
      cli.setErr(new PrintWriter(err, true));
      int exit =
          cli.execute(
              "load",
              "127.0.0.1:" + server.getPort(),
              "--call",
              "grpc.health.v1.Health/Check",
              "-c",
              "4",
              "-z",
              "3500ms",
              "--concurrency-schedule",
              "step",
              "--concurrency-start",
              "1",
              "--concurrency-step",
              "1",
              "--concurrency-end",
              "4",
              "--concurrency-step-duration",
              // Steps of 1 s: the first call may reach the server up to 700 ms after the schedule
              // starts (a busy machine, a cold JIT) and still fall in the first step's window.
              "1s");
      assertThat(exit).as(err.toString()).isZero();
      assertThat(inFlight.maxEarly.get()).as("in flight during the first step").isEqualTo(1);
      assertThat(inFlight.max.get()).as("in flight at the last step").isEqualTo(4);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
