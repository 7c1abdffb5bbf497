package dev.membreaker.scenario;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One contender through one scenario: start its server, drive the load, stop it, measure. */
final class ScenarioRun {

  /** Set by the contender server on calls its guard refused (before the handler ran). */
  static final Metadata.Key<String> SHED_TRAILER =
      Metadata.Key.of("x-contender-shed", Metadata.ASCII_STRING_MARSHALLER);

  /** What a run gave: the measures and the series the report charts. */
  record Result(
      Scenario scenario,
      Measures measures,
      List<Sample> samples,
      Timeline timeline,
      List<String> oomLines) {

    /** The run as JSON-ready maps: measures, server samples, and per-second call counts. */
    Map<String, Object> toJson() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("measures", measures);
      m.put("samples", samples);
      List<Map<String, Object>> seconds = new ArrayList<>();
      for (int s = 0; s < timeline.seconds; s++) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("second", s);
        long ok = 0;
        long shed = 0;
        long failed = 0;
        for (int k = 0; k < timeline.streams; k++) {
          ok += timeline.ok(k, s);
          shed += timeline.shed(k, s);
          failed += timeline.failed(k, s);
        }
        row.put("ok", ok);
        row.put("shed", shed);
        row.put("failed", failed);
        row.put(
            "p99Millis",
            timeline.okLatencyBySecond[s].getTotalCount() == 0
                ? null
                : timeline.okLatencyBySecond[s].getValueAtPercentile(99) / 1e6);
        seconds.add(row);
      }
      m.put("seconds", seconds);
      m.put("outOfMemoryLines", oomLines);
      return m;
    }
  }

  private ScenarioRun() {}

  static Result run(Scenario scenario, String contender, Path serverJar, String heap, Path log)
      throws IOException, InterruptedException {
    return run(scenario, contender, serverJar, heap, log, List.of());
  }

  /**
   * Calls of the normal traffic sent before the measured run, at most in {@link #WARM_UP_NANOS}.
   */
  static final int WARM_UP_CALLS = 300;

  static final long WARM_UP_NANOS = 5_000_000_000L;

  /** With extra arguments for the contender server (such as {@code --config FILE}). */
  static Result run(
      Scenario scenario,
      String contender,
      Path serverJar,
      String heap,
      Path log,
      List<String> serverArgs)
      throws IOException, InterruptedException {
    return run(scenario, contender, serverJar, heap, log, serverArgs, false);
  }

  /**
   * As above; with {@code stopWhenDead}, the traffic stops once the server has exited, so a run
   * that only has to show the server dies takes seconds, not the scenario's length. Its measures
   * then count no calls after that (the full run counts them as failed): only for tests.
   */
  static Result run(
      Scenario scenario,
      String contender,
      Path serverJar,
      String heap,
      Path log,
      List<String> serverArgs,
      boolean stopWhenDead)
      throws IOException, InterruptedException {
    try (ContenderProcess server =
        ContenderProcess.start(serverJar, contender, heap, scenario.jvmArgs(), serverArgs, log)) {
      int port = server.awaitPort();
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .maxInboundMessageSize(32 << 20)
              .build();
      try {
        Timeline timeline = new Timeline(scenario.traffic(), scenario.seconds());
        Driver driver = new Driver(channel, scenario, timeline);
        driver.warmUp(WARM_UP_CALLS, WARM_UP_NANOS);
        long start = System.nanoTime();
        server.originAt(start);
        driver.run(start, () -> stopWhenDead && !server.alive());
        server.awaitOutputIfExited();
        double exitedAt = server.exitedAt();
        List<Sample> samples = List.copyOf(server.samples);
        List<String> oomLines = List.copyOf(server.outOfMemoryLines);
        return new Result(
            scenario,
            Measures.of(scenario, contender, timeline, samples, exitedAt, oomLines.size()),
            samples,
            timeline,
            oomLines);
      } finally {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
