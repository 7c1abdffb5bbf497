package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load command against a real server on loopback, its schema from server reflection. */
class LoadCommandTest {

  private Server server;
  private String target;
  private final java.util.Set<String> workerHeaders = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(io.grpc.ServerInterceptors.intercept(health.getHealthService(), new io.grpc.ServerInterceptor() {
          @Override
          public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(io.grpc.ServerCall<ReqT, RespT> call,
              io.grpc.Metadata headers, io.grpc.ServerCallHandler<ReqT, RespT> next) {
            String worker = headers.get(io.grpc.Metadata.Key.of("x-worker", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
            if (worker != null) {
              workerHeaders.add(worker);
            }
            return next.startCall(call, headers);
          }
        }))
        .addService(ProtoReflectionServiceV1.newInstance())
        .build().start();
    target = "127.0.0.1:" + server.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static String[] run(String... args) {
    return dev.membreaker.cli.CliRunner.run(args);
  }


  @Test
  void jsonReportHasGhzFieldsAndCountsEveryCall() throws Exception {
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-d", "{\"service\":\"\"}",
        "-c", "4", "-n", "200", "-O", "json");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    JsonNode json = new ObjectMapper().readTree(r[1]);
    assertThat(json.get("count").asLong()).isEqualTo(200);
    assertThat(json.get("total").asLong()).isPositive();
    assertThat(json.get("average").asLong()).isPositive();
    assertThat(json.get("fastest").asLong()).isLessThanOrEqualTo(json.get("slowest").asLong());
    assertThat(json.get("rps").asDouble()).isPositive();
    assertThat(json.get("statusCodeDistribution").get("OK").asLong()).isEqualTo(200);
    assertThat(json.get("latencyDistribution")).hasSize(8);
    assertThat(json.get("latencyDistribution").get(2).get("percentage").asDouble()).isEqualTo(50.0);
    assertThat(json.get("okLatencyDistribution")).hasSize(8);
  }

  @Test
  void errorsAreCountedByStatusAndMessage() {
    // An unknown service in the request: health answers NOT_FOUND.
    String[] r = run("load", target, "--call", "grpc.health.v1.Health.Check", "-d",
        "[{\"service\":\"\"},{\"service\":\"no.such.Service-{{.RequestNumber}}\"}]", "-c", "2", "-n", "10");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("Count:\t10").contains("[OK]\t5 responses").contains("[NOT_FOUND]\t5 responses")
        .contains("Latency distribution (OK calls only)").contains("no.such.Service-");
  }

  @Test
  void aRateRunsForItsDuration() {
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "--rps", "100", "-z", "1s", "-c", "5");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).containsPattern("Count:\\t(9[0-9]|10[0-9])\\n");
  }

  @Test
  void aWrongCallNameOrAnUnreachableTargetIsOneClearLineAndExitCodeTwo() throws Exception {
    String[] noMethod = run("load", target, "--call", "grpc.health.v1.Health/Chekc", "-n", "1");
    assertThat(noMethod[0]).isEqualTo("2");
    assertThat(noMethod[2].trim()).contains("grpc.health.v1.Health has no method Chekc").doesNotContain("Exception");
    String[] noService = run("load", target, "--call", "no.Such/Thing", "-n", "1");
    assertThat(noService[0]).isEqualTo("2");
    assertThat(noService[2]).contains("no.Such");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String[] unreachable = run("load", "127.0.0.1:" + port, "--call", "grpc.health.v1.Health/Check", "-n", "1", "-t", "2s");
    assertThat(unreachable[0]).isEqualTo("2");
    assertThat(unreachable[2]).contains("can't reach the target").doesNotContain("Exception");
  }

  @Test
  void severalAddressesMakeOneBalancedChannel() throws Exception {
    Server second = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new HealthStatusManager().getHealthService()).addService(ProtoReflectionServiceV1.newInstance())
        .build().start();
    try {
      String both = target + "," + "127.0.0.1:" + second.getPort();
      for (String policy : new String[] {"round_robin", "weighted_round_robin", "pick_first"}) {
        String[] r = run("load", both, "--lb-policy", policy, "--call", "grpc.health.v1.Health/Check", "-n", "50", "-c", "2");
        assertThat(r[0]).as(policy + ": " + r[2]).isEqualTo("0");
        assertThat(r[1]).contains("[OK]\t50 responses");
      }
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String[] unknown = run("load", target, "--lb-policy", "fastest_first", "--call", "grpc.health.v1.Health/Check", "-n", "1");
    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[2]).contains("no load-balancing policy named 'fastest_first'");
    String[] configAlone = run("load", target, "--lb-config", "{}", "--call", "grpc.health.v1.Health/Check", "-n", "1");
    assertThat(configAlone[0]).isEqualTo("2");
    assertThat(configAlone[2]).contains("--lb-config needs --lb-policy");
    String[] badJson = run("load", target, "--lb-policy", "round_robin", "--lb-config", "{nope", "--call",
        "grpc.health.v1.Health/Check", "-n", "1");
    assertThat(badJson[0]).isEqualTo("2");
    assertThat(badJson[2]).contains("--lb-config is not JSON");
  }

  @Test
  void templatesRenderPerCall() {
    String s = Requests.render("{\"id\":\"{{.RequestNumber}}-{{.WorkerID}}\",\"u\":\"{{.UUID}}\",\"r\":\"{{randomString 8}}\"}", 42, 3);
    assertThat(s).contains("\"id\":\"42-3\"").doesNotContain("{{");
    assertThat(s).containsPattern("\"u\":\"[0-9a-f-]{36}\"").containsPattern("\"r\":\"[A-Za-z0-9]{8}\"");
  }

  @Test
  void gatesPassOrFailWithExitCodeOneNamingTheGate() {
    String[] pass = run("load", target, "--call", "grpc.health.v1.Health/Check", "-n", "50",
        "--assert", "p99<5s", "--assert", "error_rate<0.01", "--assert", "count>=50");
    assertThat(pass[0]).as(pass[2]).isEqualTo("0");
    assertThat(pass[2]).contains("passed: p99<5s").contains("passed: error_rate<0.01");
    String[] fail = run("load", target, "--call", "grpc.health.v1.Health/Check", "-n", "50",
        "--assert", "p99<1us", "--assert", "rps>=1");
    assertThat(fail[0]).isEqualTo("1");
    assertThat(fail[2]).contains("FAILED: p99<1us").contains("passed: rps>=1");
    String[] bad = run("load", target, "--call", "grpc.health.v1.Health/Check", "-n", "1", "--assert", "p99 about 5");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("is not METRIC<VALUE");
  }

  @Test
  void csvHasOneRowPerCall() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("load", ".csv");
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-d",
        "[{\"service\":\"\"},{\"service\":\"nope\"}]", "-n", "37", "-c", "3", "-O", "csv", "-o", file.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("request,start (ms),duration (ms),status,error");
    assertThat(lines).hasSize(1 + 37);
    assertThat(lines.get(1)).startsWith("0,").contains(",OK,");
    assertThat(lines.get(2)).startsWith("1,").contains(",NOT_FOUND,");
    java.nio.file.Files.delete(file);
  }

  @Test
  void aStepScheduleRampsTheRate() {
    // 50/s for the first second, then 150/s: about 200 calls in 2 s.
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "--load-schedule", "step",
        "--load-start", "50", "--load-step", "100", "--load-end", "150", "--load-step-duration", "1s", "-z", "2s", "-c", "10");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).containsPattern("Count:\\t(19[0-9]|20[0-9])\\n");
  }

  @Test
  void theHtmlReportIsOneFileWithThreeChartsAndNoNetwork() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("load", ".html");
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-d",
        "[{\"service\":\"\"},{\"service\":\"nope\"}]", "--rps", "100", "-z", "2s", "-O", "html", "-o", file.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = java.nio.file.Files.readString(file);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("id=\"histogram\"").contains("id=\"latency-over-time\"")
        .contains("id=\"codes-over-time\"").contains("class=\"bar\"").contains("class=\"line\"").contains("NOT_FOUND")
        .doesNotContain("<script").doesNotContain("<link").doesNotContain("src=").doesNotContain("href=");
    java.nio.file.Files.delete(file);
  }

  @Test
  void metadataTemplatesReachTheServer() {
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-m", "{\"x-worker\":\"w{{.WorkerID}}\"}",
        "-c", "3", "-n", "30");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(workerHeaders).containsExactlyInAnyOrder("w0", "w1", "w2");
  }

  @Test
  void maxDurationStopsARunBeforeItsCount() {
    long t0 = System.nanoTime();
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-n", "10000000", "-x", "1s", "-c", "2");
    long millis = (System.nanoTime() - t0) / 1_000_000L;
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(millis).isLessThan(10_000);
    assertThat(r[1]).doesNotContain("Count:\t10000000");
  }

  @Test
  void metadataAndDataFromFiles() throws Exception {
    java.nio.file.Path meta = java.nio.file.Files.createTempFile("meta", ".json");
    java.nio.file.Files.writeString(meta, "{\"x-worker\":\"file-{{.WorkerID}}\"}");
    java.nio.file.Path data = java.nio.file.Files.createTempFile("data", ".json");
    java.nio.file.Files.writeString(data, "{\"service\":\"\"}");
    String[] r = run("load", target, "--call", "grpc.health.v1.Health/Check", "-M", meta.toString(), "-D", data.toString(),
        "-c", "1", "-n", "5");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(workerHeaders).contains("file-0");
    assertThat(r[1]).contains("[OK]\t5 responses");
  }
}
