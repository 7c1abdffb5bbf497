package dev.membreaker.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short forms of the two headline scenarios, against real server JVMs (-Xmx256m,
 * -XX:+ExitOnOutOfMemoryError) on loopback: a surge kills the unprotected server while the one
 * protected by membreaker survives it without an OutOfMemoryError, keeps its payments and recovers
 * to HEALTHY on its own; a sawtooth of garbage makes membreaker shed nothing. About 95 s.
 */
class SurgeAndSawtoothIT {

  private static Path jar;

  @TempDir Path logs;

  @BeforeAll
  static void contenderJar() {
    jar =
        Path.of(
            System.getProperty("contenders.jar", "../contenders/target/membreaker-contenders.jar"));
    assertThat(jar)
        .as("the contender servers' jar (mvn package builds it)")
        .satisfies(p -> assertThat(Files.isRegularFile(p)).isTrue());
  }

  @Test
  void surgeKillsTheUnprotectedServerAndMembreakerSurvivesIt() throws Exception {
    Scenario surge = Scenario.named("surge", true);

    // The unprotected run stops once its server has died: that is all it has to show.
    Measures unprotected =
        ScenarioRun.run(surge, "none", jar, "256m", logs.resolve("surge-none.log"), List.of(), true)
            .measures();
    Measures protectedRun =
        ScenarioRun.run(surge, "membreaker", jar, "256m", logs.resolve("surge-membreaker.log"))
            .measures();

    System.out.println("surge, unprotected: " + ScenarioReport.oneLine(unprotected));
    System.out.println(
        "surge, membreaker:  "
            + ScenarioReport.oneLine(protectedRun)
            + "; back to HEALTHY "
            + protectedRun.backToHealthySeconds()
            + " s after the surge");
    assertThat(unprotected.survived()).as("the unprotected server dies of the surge").isFalse();
    assertThat(unprotected.outOfMemoryErrors()).isPositive();
    assertThat(protectedRun.survived()).as("membreaker's server survives").isTrue();
    assertThat(protectedRun.outOfMemoryErrors()).isZero();
    // 0.99: a few payments may meet a full queue. Below that is the blind spot this test once
    // tolerated at 0.97: the surge's 1 MiB buffers are humongous on G1 and filled the heap from
    // 0.47 to 0.97 with no collection, so the breaker opened on a refresh at 0.958, over the
    // critical cap (0.95). It now measures those bytes (docs/breaker.md, urgent confirmations).
    assertThat(protectedRun.criticalSuccess()).as("CRITICAL success").isGreaterThanOrEqualTo(0.99);
    assertThat(protectedRun.shed()).as("it had to shed to survive").isPositive();
    assertThat(protectedRun.backToHealthySeconds())
        .as(
            "back to HEALTHY on its own before the run ended; the breaker's log said:%n%s",
            breakerLines(logs.resolve("surge-membreaker.log")))
        .isNotNull();
  }

  @Test
  void sawtoothOfGarbageIsNotShed() throws Exception {
    ScenarioRun.Result run =
        ScenarioRun.run(
            Scenario.named("sawtooth", true),
            "membreaker",
            jar,
            "256m",
            logs.resolve("sawtooth-membreaker.log"));

    Measures m = run.measures();
    System.out.println(
        "sawtooth, membreaker: "
            + ScenarioReport.oneLine(m)
            + "; raw heap peaked at "
            + run.samples().stream().mapToDouble(Sample::heapPeak).max().orElse(0));
    assertThat(m.survived()).isTrue();
    assertThat(m.shed()).as("calls shed").isZero();
    assertThat(run.samples()).as("server samples").hasSizeGreaterThan(100);
    assertThat(run.samples()).allSatisfy(s -> assertThat(s.state()).isEqualTo("HEALTHY"));
    assertThat(run.samples().stream().mapToDouble(Sample::heapPeak).max().orElse(0))
        .as("the garbage really filled the heap")
        .isGreaterThan(0.4);
    assertThat(m.peakTruth()).as("while what the workload held stayed small").isLessThan(0.1);
    // The estimate counts promoted bytes of unknown liveness, so it runs above the truth: 0.04 here
    // usually, 0.108 once with one core kept busy (young collections late, more garbage promoted).
    // What matters is that it stays far from the warning watermark, where shedding could start.
    assertThat(m.peakLive())
        .as("the live-set estimate, far under the warning watermark")
        .isLessThan(0.5 * dev.membreaker.breaker.BreakerConfig.defaults().warning());
  }

  /**
   * The breaker's own log lines (transitions, confirmations) of a server's log, for a failure's
   * message.
   */
  private static String breakerLines(Path log) throws java.io.IOException {
    return String.join(
        System.lineSeparator(),
        Files.readAllLines(log).stream().filter(l -> l.contains("membreaker:")).toList());
  }
}
