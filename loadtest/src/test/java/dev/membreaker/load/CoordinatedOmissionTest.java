package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.membreaker.cli.MembreakerCli;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * A server that stalls for one second under --rps 200: measured from each call's intended start,
 * the p99 shows the stall; measured from the send, as ghz does, with 2 calls in flight, it hides.
 */
class CoordinatedOmissionTest {

  /** Holds the server's only worker thread for a second on the 100th check. */
  static final class StallOnce implements ServerInterceptor {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      if (calls.incrementAndGet() == 100) {
        try {
          Thread.sleep(1000); // the stall under test: the server itself stops for a second
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return next.startCall(call, headers);
    }
  }

  private static JsonNode run(int port, String latencyFrom) throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = MembreakerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(new StringWriter(), true));
    int exit =
        cli.execute(
            "load",
            "127.0.0.1:" + port,
            "--call",
            "grpc.health.v1.Health/Check",
            "--rps",
            "200",
            "-z",
            "3s",
            "-c",
            "2",
            "-O",
            "json",
            "--latency-from",
            latencyFrom);
    assertThat(exit).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  private static long p99(JsonNode json) {
    for (JsonNode d : json.get("latencyDistribution")) {
      if (d.get("percentage").asDouble() == 99.0) {
        return d.get("latency").asLong();
      }
    }
    throw new AssertionError("no p99 in " + json);
  }

  @Test
  void theStallShowsInP99OnlyWhenMeasuredFromTheIntendedStart() throws Exception {
    long[] p99 = new long[2];
    String[] modes = {"intended", "send"};
    for (int i = 0; i < 2; i++) {
      ExecutorService single = Executors.newSingleThreadExecutor();
      HealthStatusManager health = new HealthStatusManager();
      Server server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .executor(single)
              .addService(ServerInterceptors.intercept(health.getHealthService(), new StallOnce()))
              .addService(ProtoReflectionServiceV1.newInstance())
              .build()
              .start();
      try {
        JsonNode json = run(server.getPort(), modes[i]);
        p99[i] = p99(json);
        System.out.printf(
            "--latency-from %s: count %d, p50 %s, p99 %s, slowest %s%n",
            modes[i],
            json.get("count").asLong(),
            Reports.time(json.get("latencyDistribution").get(2).get("latency").asLong()),
            Reports.time(p99[i]),
            Reports.time(json.get("slowest").asLong()));
      } finally {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        single.shutdownNow();
      }
    }
    assertThat(p99[0]).as("p99 from the intended start").isGreaterThan(500_000_000L);
    assertThat(p99[1]).as("p99 from the send").isLessThan(200_000_000L);
  }
}
