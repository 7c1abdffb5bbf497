package dev.membreaker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.BreakerState;
import dev.membreaker.admin.v1.CallCount;
import dev.membreaker.admin.v1.GetStateRequest;
import dev.membreaker.admin.v1.Priority;
import dev.membreaker.admin.v1.State;
import dev.membreaker.cli.CliRunner;
import dev.membreaker.demo.DemoProcess;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three demo servers (each its own JVM, 128 MiB heap, ORCA reports on) behind one client channel. A
 * surge sent to server A alone pushes it into DEGRADED and beyond; the fleet's own traffic (quotes
 * and payments over all three) is balanced by round_robin in one run and by weighted_round_robin in
 * the other, with the same load. Counts come from each server's admin API.
 */
class FleetIT {

  private static final String WRR_CONFIG =
      "{\"blackoutPeriod\":\"1s\",\"weightUpdatePeriod\":\"0.5s\"}";

  /**
   * Calls of the fleet's traffic (CRITICAL and DEFAULT) each server received, and how many it shed.
   */
  record Counts(long[] received, long[] shed) {
    Counts minus(Counts before) {
      long[] r = new long[3];
      long[] s = new long[3];
      for (int i = 0; i < 3; i++) {
        r[i] = received[i] - before.received[i];
        s[i] = shed[i] - before.shed[i];
      }
      return new Counts(r, s);
    }

    double shareOfA() {
      long all = received[0] + received[1] + received[2];
      return all == 0 ? 0 : (double) received[0] / all;
    }

    long totalShed() {
      return shed[0] + shed[1] + shed[2];
    }
  }

  /** What one policy's run measured. */
  record Run(
      String policy,
      double shareBefore,
      double shareUnderPressure,
      double shareAfterRecovery,
      long fleetShed,
      long fleetCalls,
      String worstStateOfA) {}

  @Test
  void weightedRoundRobinMovesTrafficAwayFromTheReplicaUnderPressureAndBack() throws Exception {
    // One fleet after the other: side by side, the two fleets' six servers and two sets of
    // clients starved a replica under the surge so that its admin API missed a 5 s deadline.
    ExecutorService pool = Executors.newCachedThreadPool();
    Run rr;
    Run wrr;
    try {
      rr = run("round_robin", null, pool);
      wrr = run("weighted_round_robin", WRR_CONFIG, pool);
    } finally {
      pool.shutdownNow();
    }

    for (Run r : List.of(rr, wrr)) {
      System.out.printf(
          Locale.ROOT,
          "%-21s share of A: before %.3f, under pressure %.3f, after recovery %.3f;"
              + " fleet calls shed %d of %d; A went to %s%n",
          r.policy,
          r.shareBefore,
          r.shareUnderPressure,
          r.shareAfterRecovery,
          r.fleetShed,
          r.fleetCalls,
          r.worstStateOfA);
    }
    assertThat(rr.shareUnderPressure)
        .as("round_robin keeps sending A its third")
        .isGreaterThan(0.28);
    assertThat(wrr.shareUnderPressure)
        .as("weighted_round_robin sends A measurably less")
        .isLessThan(rr.shareUnderPressure * 0.7);
    assertThat(wrr.fleetShed).as("fewer of the fleet's calls are shed").isLessThan(rr.fleetShed);
    assertThat(wrr.shareBefore)
        .as("before the surge, weighted_round_robin spreads evenly too")
        .isBetween(0.25, 0.42);
    // After recovery A's weight follows its headroom, and its live set, measured at the last
    // collection, can stay above the floor until the next one: the share returns most of the way.
    // HEALTHY means pressure under 0.65, a factor of at most 2.14 and a steady share of at least
    // 0.19; five runs here gave 0.18 to 0.25 against 0.055 to 0.064 under pressure.
    assertThat(wrr.shareAfterRecovery)
        .as("A's share returns once it has recovered")
        .isGreaterThan(0.15)
        .isGreaterThan(2 * wrr.shareUnderPressure);
  }

  private Run run(String policy, String lbConfig, Executor pool) throws Exception {
    List<DemoProcess> servers = new ArrayList<>();
    List<ManagedChannel> admins = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        DemoProcess demo = DemoProcess.start("128m", null, "--orca", "--admin-insecure-local-dev");
        servers.add(demo);
        admins.add(
            NettyChannelBuilder.forAddress("127.0.0.1", demo.adminPort).usePlaintext().build());
      }
      String fleet = String.join(",", servers.stream().map(s -> "127.0.0.1:" + s.port).toList());
      List<String> lb = new ArrayList<>(List.of("--lb-policy", policy));
      if (lbConfig != null) {
        lb.addAll(List.of("--lb-config", lbConfig));
      }
      CompletableFuture<String[]> quotes =
          CompletableFuture.supplyAsync(
              () ->
                  CliRunner.run(
                      concat(
                          List.of(
                              "load",
                              fleet,
                              "--call",
                              "membreaker.demo.v1.PaymentService/Quote",
                              "-d",
                              "{\"pair\":\"EURUSD\"}",
                              "--rps",
                              "150",
                              "-z",
                              "40s",
                              "-c",
                              "100",
                              "-t",
                              "5s",
                              "-O",
                              "json"),
                          lb)),
              pool);
      CompletableFuture<String[]> payments =
          CompletableFuture.supplyAsync(
              () ->
                  CliRunner.run(
                      concat(
                          List.of(
                              "load",
                              fleet,
                              "--call",
                              "membreaker.demo.v1.PaymentService/Pay",
                              "-d",
                              "{\"account\":\"a\",\"amount_cents\":100}",
                              "--rps",
                              "30",
                              "-z",
                              "40s",
                              "-c",
                              "30",
                              "-t",
                              "5s",
                              "-O",
                              "json"),
                          lb)),
              pool);

      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> counts(admins).received[2] > 100);
      Counts start = counts(admins);
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () ->
                  total(counts(admins).minus(start))
                      >= 500); // a window of about 3 s before the surge
      Counts beforeSurge = counts(admins);
      // The surge: reports that each hold 1 MiB for 3 s, 40 a second for 10 s, at A alone.
      CompletableFuture<String[]> surge =
          CompletableFuture.supplyAsync(
              () ->
                  CliRunner.run(
                      "load",
                      "127.0.0.1:" + servers.get(0).port,
                      "--call",
                      "membreaker.demo.v1.PaymentService/Report",
                      "-d",
                      "{\"account\":\"a\",\"retain\":{\"bytes\":1048576,\"millis\":3000}}",
                      "--rps",
                      "40",
                      "-z",
                      "10s",
                      "-c",
                      "200",
                      "-t",
                      "5s",
                      "-O",
                      "json"),
              pool);
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> state(admins.get(0)).getNumber() >= State.DEGRADED.getNumber());
      Counts pressured = counts(admins);
      String worst = state(admins.get(0)).name();
      surge.get(60, TimeUnit.SECONDS);
      Counts surgeOver = counts(admins);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> state(admins.get(0)) == State.HEALTHY);
      // From A's return to HEALTHY until the load ends (the clients' weights catch up within a
      // second).
      Counts recovered = counts(admins);
      quotes.get(90, TimeUnit.SECONDS);
      payments.get(90, TimeUnit.SECONDS);
      Counts end = counts(admins);
      Counts whole = end.minus(start);
      return new Run(
          policy,
          beforeSurge.minus(start).shareOfA(),
          surgeOver.minus(pressured).shareOfA(),
          end.minus(recovered).shareOfA(),
          whole.totalShed(),
          whole.received[0] + whole.received[1] + whole.received[2],
          worst);
    } finally {
      for (ManagedChannel c : admins) {
        c.shutdownNow();
      }
      for (DemoProcess s : servers) {
        s.close();
      }
    }
  }

  private static long total(Counts c) {
    return c.received[0] + c.received[1] + c.received[2];
  }

  private static String[] concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(new String[0]);
  }

  private static State state(ManagedChannel admin) {
    return BreakerAdminGrpc.newBlockingStub(admin)
        .withDeadlineAfter(5, TimeUnit.SECONDS)
        .getState(GetStateRequest.getDefaultInstance())
        .getState();
  }

  /** The fleet's calls (CRITICAL and DEFAULT) each server has received and shed so far. */
  private static Counts counts(List<ManagedChannel> admins) {
    long[] received = new long[3];
    long[] shed = new long[3];
    for (int i = 0; i < 3; i++) {
      BreakerState s =
          BreakerAdminGrpc.newBlockingStub(admins.get(i))
              .withDeadlineAfter(5, TimeUnit.SECONDS)
              .getState(GetStateRequest.getDefaultInstance());
      for (CallCount c : s.getCallsList()) {
        if (c.getPriority() == Priority.CRITICAL || c.getPriority() == Priority.DEFAULT) {
          received[i] += c.getAdmitted() + c.getShed() + c.getWouldShed();
          shed[i] += c.getShed();
        }
      }
    }
    return new Counts(received, shed);
  }
}
