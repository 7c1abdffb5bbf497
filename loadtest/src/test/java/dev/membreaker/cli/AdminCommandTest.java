package dev.membreaker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.admin.AdminToken;
import dev.membreaker.admin.BreakerAdminService;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The admin CLI against a real admin server on loopback. */
class AdminCommandTest {

  private final FakeTicker ticker = new FakeTicker();
  private final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.85);
  private MemoryBreaker breaker;
  private Server server;
  private String target;
  @TempDir Path dir;

  @BeforeEach
  void start() throws Exception {
    breaker =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build())
            .sources(List.of(live))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    breaker.evaluateNow();
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(BreakerAdminService.builder(breaker).token(AdminToken.of("t0ken")).build())
            .build()
            .start();
    target = "127.0.0.1:" + server.getPort();
  }

  @AfterEach
  void stop() throws Exception {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    breaker.close();
  }

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MembreakerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private Path tokenFile(String token) throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, token + "\n");
    return file;
  }

  @Test
  void stateIsReadable() {
    Run r = run("admin", "state", "--target", target);
    assertThat(r.exit).isZero();
    assertThat(r.out)
        .contains("state       DEGRADED")
        .contains("(PRESSURE)")
        .contains("pressure    0.850 (heap_live)")
        .contains("heap_live")
        .contains("1.0 GiB")
        .contains("open 0.90")
        .contains("config version 1");
  }

  @Test
  void stateAsJsonIsProtobufJson() {
    Run r = run("admin", "state", "--target", target, "--json");
    assertThat(r.exit).isZero();
    assertThat(r.out)
        .contains("\"state\": \"DEGRADED\"")
        .contains("\"drivingDimension\": \"heap_live\"");
  }

  @Test
  void configShowsEveryFieldAndItsVersion() {
    Run r = run("admin", "config", "--target", target);
    assertThat(r.exit).isZero();
    assertThat(r.out).contains("version 1").containsPattern("open_min +5s +default");
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String line : r.out.split("\\R")) {
      names.add(line.split("\\s+")[0]);
    }
    for (com.google.protobuf.Descriptors.FieldDescriptor f :
        dev.membreaker.admin.v1.BreakerConfig.getDescriptor().getFields()) {
      assertThat(names).as("a line for %s", f.getName()).contains(f.getName());
    }
  }

  @Test
  void setChangesOnlyTheGivenFieldsWithTheToken() throws Exception {
    Run r =
        run(
            "admin",
            "set",
            "warning=0.72",
            "open_min=10s",
            "confirm_gc=concurrent-only",
            "--reason",
            "tuning",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(r.err).isEmpty();
    assertThat(r.exit).isZero();
    assertThat(r.out).contains("version 2");
    assertThat(breaker.config().warning()).isEqualTo(0.72);
    assertThat(breaker.config().openMin()).hasSeconds(10);
    assertThat(breaker.config().confirmGc())
        .isEqualTo(dev.membreaker.breaker.ConfirmGc.CONCURRENT_ONLY);
    assertThat(breaker.config().open()).isEqualTo(0.90);
  }

  @Test
  void refusalsAreOneLineWithExitCodeOne() throws Exception {
    Run wrongToken =
        run(
            "admin",
            "override",
            "FORCED_OPEN",
            "--reason",
            "x",
            "--target",
            target,
            "--token-file",
            tokenFile("wrong").toString());
    assertThat(wrongToken.exit).isEqualTo(1);
    assertThat(wrongToken.err.trim())
        .startsWith("membreaker: UNAUTHENTICATED")
        .doesNotContain("\n")
        .doesNotContain("Exception");
    Run bad =
        run(
            "admin",
            "set",
            "recover=0.9",
            "--reason",
            "x",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(bad.exit).isEqualTo(1);
    assertThat(bad.err).contains("INVALID_ARGUMENT").contains("watermarks must rise");
    assertThat(breaker.configVersion()).isEqualTo(1);
  }

  @Test
  void overrideWithAnExpiry() throws Exception {
    Run r =
        run(
            "admin",
            "override",
            "shadow",
            "--reason",
            "trial",
            "--for",
            "10m",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(r.exit).isZero();
    assertThat(r.out).contains("override    SHADOW (trial)");
    assertThat(breaker.status().override()).isEqualTo(OverrideMode.SHADOW);
    assertThat(breaker.status().overrideExpiresAtNanos()).isPositive();
  }

  @Test
  void watchPrintsTheStateThenTransitions() throws Exception {
    StringWriter out = new StringWriter();
    CommandLine cli = MembreakerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    java.util.concurrent.CompletableFuture<Integer> exit =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                cli.execute(
                    "admin", "watch", "--count", "3", "--duration", "20s", "--target", target));
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(10))
        .until(() -> out.toString().contains("now DEGRADED"));
    live.setPressure(0.95);
    ticker.advanceMillis(50);
    breaker.evaluateNow(); // DEGRADED -> OPEN
    live.setPressure(0.68); // under warning: OPEN ends when its time is up
    ticker.advanceMillis(5_000);
    breaker.evaluateNow(); // OPEN -> HALF_OPEN
    assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    String[] lines = out.toString().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).contains("now DEGRADED");
    assertThat(lines[1]).contains("DEGRADED -> OPEN (PRESSURE, heap_live 0.950)");
    assertThat(lines[2]).contains("OPEN -> HALF_OPEN (OPEN_TIME_ELAPSED");
  }

  @Test
  void anUnreachableTargetIsAClearMessageAndExitCodeTwo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Run r = run("admin", "state", "--target", "127.0.0.1:" + port, "--timeout", "2s");
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err)
        .contains("can't reach the admin service at 127.0.0.1:" + port)
        .doesNotContain("Exception");
  }

  @Test
  void badUsageIsExitCodeTwo() {
    assertThat(run("admin", "set", "nonsense=1", "--reason", "x", "--target", target).exit)
        .isEqualTo(2);
    assertThat(run("admin", "set", "nonsense=1", "--reason", "x", "--target", target).err)
        .contains("unknown config field 'nonsense'")
        .contains("warning");
    assertThat(run("admin", "override", "SIDEWAYS", "--reason", "x", "--target", target).exit)
        .isEqualTo(2);
    assertThat(run("admin", "state", "--target", "nohostport").exit).isEqualTo(2);
  }

  @Test
  void transitionsAndSimulateHaveTheirCommands() {
    Run t = run("admin", "transitions", "--target", target);
    assertThat(t.exit).isZero();
    assertThat(t.out).contains("HEALTHY -> DEGRADED (PRESSURE, heap_live 0.850)");
    Run sim = run("admin", "simulate", "degraded=0.86", "open=0.95", "--target", target);
    assertThat(sim.err).isEmpty();
    assertThat(sim.exit).isZero();
    assertThat(sim.out)
        .contains("replayed 1 samples")
        .contains("would shed: CRITICAL 0.0 %, DEFAULT 0.0 %, SHEDDABLE 0.0 %");
    assertThat(breaker.config().degraded()).as("simulate changes nothing").isEqualTo(0.80);
    Run bad = run("admin", "transitions", "--limit", "-1", "--target", target);
    assertThat(bad.exit).isEqualTo(2);
  }

  @Test
  void sizesTakeTheConfigFilesGrammarDecimalUnitsToo() throws Exception {
    Run r =
        run(
            "admin",
            "set",
            "max_queued_bytes_per_call=1MB",
            "--reason",
            "decimal",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(r.err).isEmpty();
    assertThat(r.exit).isZero();
    assertThat(breaker.config().maxQueuedBytesPerCall()).isEqualTo(1_000_000L);
    Run bad =
        run(
            "admin",
            "set",
            "max_queued_bytes_per_call=1PB",
            "--reason",
            "x",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(bad.exit).isEqualTo(2);
    assertThat(bad.err)
        .contains("bad value for max_queued_bytes_per_call: '1PB'")
        .contains("not a size");
  }

  @Test
  void listsAreSetByNamesAndDurationsPrintAsTheDocsWriteThem() throws Exception {
    Run r =
        run(
            "admin",
            "set",
            "dimensions=heap_live,direct",
            "failure_codes=14",
            "--reason",
            "narrow",
            "--target",
            target,
            "--token-file",
            tokenFile("t0ken").toString());
    assertThat(r.err).isEmpty();
    assertThat(r.exit).isZero();
    assertThat(r.out)
        .containsPattern("dimensions +heap_live,direct +admin")
        .containsPattern("failure_codes +14 +admin")
        .containsPattern("sample_interval +50ms +default")
        .doesNotContain("PT");
    assertThat(breaker.config().dimensions())
        .containsExactlyInAnyOrder(Dimension.HEAP_LIVE, Dimension.DIRECT);
  }

  @Test
  void noAnswerWithinTheTimeoutIsExitTwoNotARefusal() throws Exception {
    // A server that accepts the connection and never answers.
    Server silent =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                io.grpc.ServerServiceDefinition.builder("membreaker.admin.v1.BreakerAdmin")
                    .addMethod(
                        dev.membreaker.admin.v1.BreakerAdminGrpc.getGetStateMethod(),
                        io.grpc.stub.ServerCalls.asyncUnaryCall((request, response) -> {}))
                    .build())
            .build();
    try {
      silent.start();
      Run r =
          run("admin", "state", "--target", "127.0.0.1:" + silent.getPort(), "--timeout", "200ms");
      assertThat(r.exit).isEqualTo(2);
      assertThat(r.err).contains("no answer").contains("--timeout 200ms");
    } finally {
      silent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
