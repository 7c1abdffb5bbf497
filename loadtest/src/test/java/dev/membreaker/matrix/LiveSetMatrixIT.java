package dev.membreaker.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.membreaker.cli.MembreakerCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The short form of the live-set matrix ({@code membreaker matrix --quick}), one collector per
 * case, each in JVMs of its own with -Xmx256m: objects living a second (promoted, then dead) must
 * shed nothing and never open the breaker; a retained surge must open it with no OutOfMemoryError
 * and every CRITICAL call served, and once the surge's memory is let go, with no traffic at all to
 * cause a collection, the breaker must be HEALTHY within 4 s. Each would have caught one of the
 * live set's old weaknesses: promoted garbage read as growth, a stale figure after a surge (19.5 s
 * to recover), and ZGC's and Shenandoah's pause notifications read as an empty heap. About 25 s a
 * collector.
 *
 * <p>{@code mvn verify} runs it on G1, the default collector; the five collectors are a matrix, run
 * by {@code -Dmatrix.collectors=g1,parallel,serial,zgc,shenandoah} (verify covers Parallel's and
 * Serial's promoted garbage and surges, and ZGC's and Shenandoah's pause notifications, in {@code
 * RealJvmBreakerTest}, each in a child JVM of 64 MiB).
 */
class LiveSetMatrixIT {

  private static Path jar;

  @TempDir Path out;

  @BeforeAll
  static void workloadJar() {
    jar =
        Path.of(
            System.getProperty("contenders.jar", "../contenders/target/membreaker-contenders.jar"));
    assertThat(Files.isRegularFile(jar))
        .as("the workload's jar %s (mvn package builds it)", jar)
        .isTrue();
  }

  static List<String> collectors() {
    return List.of(System.getProperty("matrix.collectors", "g1").split(","));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("collectors")
  @SuppressWarnings("unchecked")
  void promotedChurnShedsNothingAndASurgeIsSurvivedAndRecoveredFrom(String collector)
      throws Exception {
    int exit =
        new CommandLine(new MembreakerCli())
            .execute(
                "matrix",
                "--quick",
                "--collectors",
                collector,
                "--shapes",
                "churn-1s,surge-silence",
                "--no-unprotected",
                "--server-jar",
                jar.toString(),
                "-o",
                out.toString());
    assertThat(exit).isZero();
    List<Map<String, Object>> runs =
        new ObjectMapper().readValue(out.resolve("matrix.json").toFile(), List.class);
    assertThat(runs).hasSize(2);
    Map<String, Object> churn = runs.get(0);
    Map<String, Object> surge = runs.get(1);
    assertThat(churn).as("churn run").doesNotContainKey("error");
    assertThat(churn.get("oom")).as("OOM in %s", churn).isEqualTo(false);
    assertThat(((Number) churn.get("shed")).longValue())
        .as("calls shed under churn: %s", churn)
        .isZero();
    assertThat(((Number) churn.get("opens")).longValue())
        .as("OPENs under churn: %s", churn)
        .isZero();
    assertThat(((Number) churn.get("calls")).longValue()).isGreaterThan(3000);

    assertThat(surge).as("surge run").doesNotContainKey("error");
    assertThat(surge.get("oom")).as("OOM in %s", surge).isEqualTo(false);
    assertThat(((Number) surge.get("opens")).longValue()).as("OPENs in %s", surge).isPositive();
    assertThat(((Number) surge.get("criticalAdmitted")).doubleValue())
        .as("CRITICAL admitted in %s", surge)
        .isGreaterThanOrEqualTo(0.99);
    assertThat(((Number) surge.get("healthyAboveRecover")).longValue()).isZero();
    assertThat(surge.get("toHealthyAfterRelease"))
        .as("seconds to HEALTHY after the surge, in %s", surge)
        .isNotNull();
    // 4 s, not the 3 s it was: unloaded verify runs gave 1.4 to 2.3 s, but with one core kept busy
    // two full verify runs gave 3.08 and 3.2 s. Refreshes are spaced 50 times the last pause (up
    // to 2 s), and a busy machine stretches the pause; f173a52 and this build gave the same times
    // under one busy core alone (1.4 to 2.0 s). Without refreshes it took 19.5 s.
    assertThat(((Number) surge.get("toHealthyAfterRelease")).doubleValue())
        .isLessThanOrEqualTo(4.0);
  }
}
