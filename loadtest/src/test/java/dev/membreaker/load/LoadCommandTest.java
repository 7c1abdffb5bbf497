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
  private final java.util.Set<String> workerHeaders =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                io.grpc.ServerInterceptors.intercept(
                    health.getHealthService(),
                    new io.grpc.ServerInterceptor() {
                      @Override
                      public <ReqT, RespT> io.grpc.ServerCall.Listener<ReqT> interceptCall(
                          io.grpc.ServerCall<ReqT, RespT> call,
                          io.grpc.Metadata headers,
                          io.grpc.ServerCallHandler<ReqT, RespT> next) {
                        String worker =
                            headers.get(
                                io.grpc.Metadata.Key.of(
                                    "x-worker", io.grpc.Metadata.ASCII_STRING_MARSHALLER));
                        if (worker != null) {
                          workerHeaders.add(worker);
                        }
                        return next.startCall(call, headers);
                      }
                    }))
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    target = "127.0.0.1:" + server.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private static String[] run(String... args) {
    return dev.membreaker.cli.CliRunner.run(args);
  }

  /** ghz's grpc-go status names. */
  private static final java.util.Set<String> GHZ_CODES =
      java.util.Set.of(
          "OK",
          "Canceled",
          "Unknown",
          "InvalidArgument",
          "DeadlineExceeded",
          "NotFound",
          "AlreadyExists",
          "PermissionDenied",
          "ResourceExhausted",
          "FailedPrecondition",
          "Aborted",
          "OutOfRange",
          "Unimplemented",
          "Internal",
          "Unavailable",
          "DataLoss",
          "Unauthenticated");

  @Test
  void jsonReportHasEveryFieldGhzWritesWithGhzsNamesAndTypes() throws Exception {
    // half the calls ask health about a service it does not know: NotFound
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-d",
            "[{\"service\":\"\"},{\"service\":\"no.such.Service-{{.RequestNumber}}\"}]",
            "-m",
            "{\"x-worker\":\"w\"}",
            "-c",
            "4",
            "-n",
            "200",
            "-O",
            "json",
            "--name",
            "ci-run",
            "--tags",
            "{\"env\":\"ci\"}");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    JsonNode json = new ObjectMapper().readTree(r[1]);

    // the report (runner/reporter.go, Report, at ghz v0.121.0)
    assertThat(json.get("name").isTextual()).isTrue();
    assertThat(json.get("endReason").asText()).isEqualTo("normal");
    assertThat(json.get("date").asText())
        .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)");
    for (String duration : new String[] {"total", "average", "fastest", "slowest"}) {
      assertThat(json.get(duration).isIntegralNumber()).as(duration + " in nanoseconds").isTrue();
    }
    assertThat(json.get("count").asLong()).isEqualTo(200);
    assertThat(json.get("rps").isFloatingPointNumber()).isTrue();
    assertThat(json.get("fastest").asLong())
        .isPositive()
        .isLessThanOrEqualTo(json.get("slowest").asLong());
    assertThat(json.get("tags").get("env").asText()).isEqualTo("ci");

    JsonNode codes = json.get("statusCodeDistribution");
    assertThat(iterable(codes.fieldNames()))
        .containsExactlyInAnyOrder("OK", "NotFound")
        .allMatch(GHZ_CODES::contains);
    assertThat(codes.get("OK").asLong()).isEqualTo(100);
    JsonNode errors = json.get("errorDistribution");
    assertThat(errors.isObject()).isTrue();
    assertThat(iterable(errors.fieldNames()))
        .as("one error for the 100 that differ only in a number")
        .containsExactly("rpc error: code = NotFound desc = unknown service no.such.Service-#");

    JsonNode latencies = json.get("latencyDistribution");
    assertThat(latencies).hasSize(7);
    assertThat(latencies.findValues("percentage"))
        .extracting(JsonNode::asInt)
        .containsExactly(10, 25, 50, 75, 90, 95, 99);
    assertThat(latencies)
        .allMatch(l -> l.get("percentage").isInt() && l.get("latency").isIntegralNumber());

    JsonNode histogram = json.get("histogram");
    assertThat(histogram).hasSize(11);
    assertThat(histogram)
        .allMatch(
            b ->
                b.get("mark").isFloatingPointNumber()
                    && b.get("count").isIntegralNumber()
                    && b.get("frequency").isFloatingPointNumber());
    assertThat(histogram.findValues("count").stream().mapToLong(JsonNode::asLong).sum())
        .as("the histogram is of OK calls")
        .isEqualTo(100);

    JsonNode details = json.get("details");
    assertThat(details).hasSize(200);
    assertThat(details)
        .allMatch(
            d ->
                d.get("timestamp").isTextual()
                    && d.get("latency").isIntegralNumber()
                    && d.get("error").isTextual()
                    && GHZ_CODES.contains(d.get("status").asText()));
    assertThat(details)
        .anyMatch(
            d ->
                d.get("status").asText().equals("NotFound")
                    && d.get("error")
                        .asText()
                        .startsWith(
                            "rpc error: code = NotFound desc = unknown service no.such.Service-"));
    assertThat(details)
        .anyMatch(d -> d.get("status").asText().equals("OK") && d.get("error").asText().isEmpty());

    // the options (runner/reporter.go, Options)
    JsonNode o = json.get("options");
    assertThat(o.get("host").asText()).isEqualTo(target);
    assertThat(o.get("call").asText()).isEqualTo("grpc.health.v1.Health/Check");
    assertThat(o.get("insecure").isBoolean()).isTrue();
    assertThat(o.get("binary").isBoolean()).isTrue();
    assertThat(o.get("CPUs").isInt()).isTrue();
    assertThat(o.get("total").asLong()).isEqualTo(200);
    assertThat(o.get("concurrency").asLong()).isEqualTo(4);
    assertThat(o.get("connections").asLong()).isEqualTo(1);
    assertThat(o.get("timeout").isIntegralNumber()).as("a duration, in nanoseconds").isTrue();
    assertThat(o.get("dial-timeout").asLong()).isEqualTo(10_000_000_000L);
    assertThat(o.get("data").isArray()).isTrue();
    assertThat(o.get("metadata").get("x-worker").asText()).isEqualTo("w");
    assertThat(o.get("name").asText()).isEqualTo("ci-run");
    assertThat(o.has("qps")).as("omitted when zero, as ghz's omitempty").isFalse();
    assertThat(o.get("load-schedule").asText()).isEqualTo("const");
    assertThat(o.get("load-start").isIntegralNumber())
        .as("written when zero, as ghz writes it")
        .isTrue();

    // Every option ghz itself wrote in a report of a run like this one, with the same JSON type.
    JsonNode ghz;
    try (java.io.InputStream in =
        LoadCommandTest.class.getResourceAsStream("/ghz/report-ok.json")) {
      ghz = new ObjectMapper().readTree(in).get("options");
    }
    for (String field : iterable(ghz.fieldNames())) {
      if (field.equals("data")) {
        continue; // an object or an array, as the call's data is
      }
      assertThat(o.has(field))
          .as("ghz writes options.%s; so must we (ours: %s)", field, o)
          .isTrue();
      assertThat(o.get(field).getNodeType())
          .as("the type of options.%s", field)
          .isEqualTo(ghz.get(field).getNodeType());
    }

    // membreaker's own, under a name ghz does not use
    assertThat(json.get("membreaker").get("latencyDistributionAllCalls")).hasSize(8);
    assertThat(iterable(json.fieldNames()))
        .containsExactlyInAnyOrder(
            "date",
            "name",
            "endReason",
            "options",
            "count",
            "total",
            "average",
            "fastest",
            "slowest",
            "rps",
            "errorDistribution",
            "statusCodeDistribution",
            "latencyDistribution",
            "histogram",
            "details",
            "tags",
            "membreaker");
  }

  @Test
  void aTimedRunEndsForTheTimeoutAsGhzSays() throws Exception {
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "--rps",
            "50",
            "-z",
            "500ms",
            "-O",
            "json");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(new ObjectMapper().readTree(r[1]).get("endReason").asText()).isEqualTo("timeout");
    String[] badTags =
        run("load", target, "--call", "grpc.health.v1.Health/Check", "-n", "1", "--tags", "[1]");
    assertThat(badTags[0]).isEqualTo("2");
    assertThat(badTags[2]).contains("--tags must be a JSON object of strings");
  }

  private static java.util.List<String> iterable(java.util.Iterator<String> it) {
    java.util.List<String> all = new java.util.ArrayList<>();
    it.forEachRemaining(all::add);
    return all;
  }

  @Test
  void errorsAreCountedByStatusAndMessage() {
    // An unknown service in the request: health answers NOT_FOUND.
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health.Check",
            "-d",
            "[{\"service\":\"\"},{\"service\":\"no.such.Service-{{.RequestNumber}}\"}]",
            "-c",
            "2",
            "-n",
            "10");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains("Count:\t10")
        .contains("[OK]\t5 responses")
        .contains("[NotFound]\t5 responses")
        .contains("Latency distribution (OK calls only)")
        .as("five messages that differ only in a number are one error")
        .contains("[5]\trpc error: code = NotFound desc = unknown service no.such.Service-#");
  }

  @Test
  void aRateRunsForItsDuration() {
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "--rps",
            "100",
            "-z",
            "1s",
            "-c",
            "5");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).containsPattern("Count:\\t(9[0-9]|10[0-9])\\n");
  }

  @Test
  void aWrongCallNameOrAnUnreachableTargetIsOneClearLineAndExitCodeTwo() throws Exception {
    String[] noMethod = run("load", target, "--call", "grpc.health.v1.Health/Chekc", "-n", "1");
    assertThat(noMethod[0]).isEqualTo("2");
    assertThat(noMethod[2].trim())
        .contains("grpc.health.v1.Health has no method Chekc")
        .doesNotContain("Exception");
    String[] noService = run("load", target, "--call", "no.Such/Thing", "-n", "1");
    assertThat(noService[0]).isEqualTo("2");
    assertThat(noService[2]).contains("no.Such");
    int port;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String[] unreachable =
        run(
            "load",
            "127.0.0.1:" + port,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1",
            "-t",
            "2s");
    assertThat(unreachable[0]).isEqualTo("2");
    assertThat(unreachable[2]).contains("can't reach the target").doesNotContain("Exception");
  }

  @Test
  void severalAddressesMakeOneBalancedChannel() throws Exception {
    Server second =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(new HealthStatusManager().getHealthService())
            .addService(ProtoReflectionServiceV1.newInstance())
            .build()
            .start();
    try {
      String both = target + "," + "127.0.0.1:" + second.getPort();
      for (String policy : new String[] {"round_robin", "weighted_round_robin", "pick_first"}) {
        String[] r =
            run(
                "load",
                both,
                "--lb-policy",
                policy,
                "--call",
                "grpc.health.v1.Health/Check",
                "-n",
                "50",
                "-c",
                "2");
        assertThat(r[0]).as(policy + ": " + r[2]).isEqualTo("0");
        assertThat(r[1]).contains("[OK]\t50 responses");
      }
    } finally {
      second.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String[] unknown =
        run(
            "load",
            target,
            "--lb-policy",
            "fastest_first",
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1");
    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[2]).contains("no load-balancing policy named 'fastest_first'");
    String[] configAlone =
        run(
            "load",
            target,
            "--lb-config",
            "{}",
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1");
    assertThat(configAlone[0]).isEqualTo("2");
    assertThat(configAlone[2]).contains("--lb-config needs --lb-policy");
    String[] badJson =
        run(
            "load",
            target,
            "--lb-policy",
            "round_robin",
            "--lb-config",
            "{nope",
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1");
    assertThat(badJson[0]).isEqualTo("2");
    assertThat(badJson[2]).contains("--lb-config is not JSON");
  }

  @Test
  void templatesRenderPerCall() {
    String s =
        Requests.render(
            "{\"id\":\"{{.RequestNumber}}-{{.WorkerID}}\",\"u\":\"{{.UUID}}\",\"r\":\"{{randomString"
                + " 8}}\"}",
            42,
            3);
    assertThat(s).contains("\"id\":\"42-3\"").doesNotContain("{{");
    assertThat(s)
        .containsPattern("\"u\":\"[0-9a-f-]{36}\"")
        .containsPattern("\"r\":\"[A-Za-z0-9]{8}\"");
  }

  @Test
  void gatesPassOrFailWithExitCodeOneNamingTheGate() {
    String[] pass =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "50",
            "--assert",
            "p99<5s",
            "--assert",
            "error_rate<0.01",
            "--assert",
            "count>=50");
    assertThat(pass[0]).as(pass[2]).isEqualTo("0");
    assertThat(pass[2]).contains("passed: p99<5s").contains("passed: error_rate<0.01");
    String[] fail =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "50",
            "--assert",
            "p99<1us",
            "--assert",
            "rps>=1");
    assertThat(fail[0]).isEqualTo("1");
    assertThat(fail[2]).contains("FAILED: p99<1us").contains("passed: rps>=1");
    String[] bad =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1",
            "--assert",
            "p99 about 5");
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[2]).contains("is not METRIC<VALUE");
    String[] bare =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1",
            "--assert",
            "p99<200");
    assertThat(bare[0])
        .as("a time without its unit is refused, not read as nanoseconds")
        .isEqualTo("2");
    assertThat(bare[2]).contains("p99 is a time; give its unit, e.g. 'p99<200ms'");
    String[] unitOnRate =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "1",
            "--assert",
            "rps>=5ms");
    assertThat(unitOnRate[0]).isEqualTo("2");
    assertThat(unitOnRate[2]).contains("rps is not a time");
    String[] nanos =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "5",
            "--assert",
            "ok_p50<60000000000ns");
    assertThat(nanos[0]).as(nanos[2]).isEqualTo("0");
  }

  @Test
  void csvHasOneRowPerCall() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("load", ".csv");
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-d",
            "[{\"service\":\"\"},{\"service\":\"nope\"}]",
            "-n",
            "37",
            "-c",
            "3",
            "-O",
            "csv",
            "-o",
            file.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
    assertThat(lines.get(0)).isEqualTo("request,start (ms),duration (ms),status,error");
    assertThat(lines).hasSize(1 + 37);
    assertThat(lines.get(1)).startsWith("0,").contains(",OK,");
    assertThat(lines.get(2)).startsWith("1,").contains(",NotFound,");
    java.nio.file.Files.delete(file);
  }

  @Test
  void aStepScheduleRampsTheRate() {
    // 50/s for the first second, then 150/s: about 200 calls in 2 s.
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "--load-schedule",
            "step",
            "--load-start",
            "50",
            "--load-step",
            "100",
            "--load-end",
            "150",
            "--load-step-duration",
            "1s",
            "-z",
            "2s",
            "-c",
            "10");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).containsPattern("Count:\\t(19[0-9]|20[0-9])\\n");
  }

  @Test
  void theHtmlReportIsOneFileWithThreeChartsAndNoNetwork() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("load", ".html");
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-d",
            "[{\"service\":\"\"},{\"service\":\"nope\"}]",
            "--rps",
            "100",
            "-z",
            "2s",
            "-O",
            "html",
            "-o",
            file.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    String html = java.nio.file.Files.readString(file);
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("id=\"histogram\"")
        .contains("id=\"latency-over-time\"")
        .contains("id=\"codes-over-time\"")
        .contains("class=\"bar\"")
        .contains("class=\"line\"")
        .contains("NotFound")
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("src=")
        .doesNotContain("href=");
    java.nio.file.Files.delete(file);
  }

  @Test
  void metadataTemplatesReachTheServer() {
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-m",
            "{\"x-worker\":\"w{{.WorkerID}}\"}",
            "-c",
            "3",
            "-n",
            "30");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(workerHeaders).containsExactlyInAnyOrder("w0", "w1", "w2");
  }

  @Test
  void maxDurationStopsARunBeforeItsCount() {
    long t0 = System.nanoTime();
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-n",
            "10000000",
            "-x",
            "1s",
            "-c",
            "2");
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
    String[] r =
        run(
            "load",
            target,
            "--call",
            "grpc.health.v1.Health/Check",
            "-M",
            meta.toString(),
            "-D",
            data.toString(),
            "-c",
            "1",
            "-n",
            "5");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(workerHeaders).contains("file-0");
    assertThat(r[1]).contains("[OK]\t5 responses");
  }
}
