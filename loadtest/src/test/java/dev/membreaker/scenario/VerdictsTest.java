package dev.membreaker.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The verdicts name the best on each measure and judge membreaker's goal from the measures alone.
 */
class VerdictsTest {

  private static Measures run(
      String contender,
      boolean survived,
      long oom,
      double critical,
      long falseSheds,
      Double toFull,
      double p99) {
    return new Measures(
        "s",
        contender,
        survived,
        survived ? null : 4.0,
        oom,
        critical,
        50,
        0.1,
        falseSheds,
        null,
        null,
        toFull,
        1,
        p99,
        null,
        0.5,
        0,
        0.5,
        null,
        null,
        100,
        90,
        10,
        0);
  }

  @Test
  void theGoalIsMetOnlyWithNoOomTheTopCriticalShareAndNoMoreFalseShedsThanTheBestSurvivingPeer() {
    List<Measures> runs =
        List.of(
            run("none", false, 1, 0.2, 0, null, 90),
            run("membreaker", true, 0, 1.0, 40, 2.0, 10),
            run("solr", true, 0, 0.9, 55, 8.0, 12),
            run("pinot", false, 1, 0.3, 0, null, 50));
    Verdicts.Verdict v = Verdicts.of(runs).get(0);
    assertThat(v.goalMet()).isTrue();
    assertThat(v.best())
        .containsEntry("CRITICAL ok", "membreaker (100.0 %)")
        .containsEntry("survived without OOM", "membreaker, solr")
        .containsEntry("fewest false sheds (of the guards that survived)", "membreaker (40)")
        .containsEntry("to full throughput", "membreaker (2.00 s)");

    List<Measures> worse =
        List.of(
            run("membreaker", true, 0, 0.95, 40, 2.0, 10),
            run("elasticsearch", true, 0, 1.0, 12, 3.0, 9));
    Verdicts.Verdict w = Verdicts.of(worse).get(0);
    assertThat(w.goalMet()).isFalse();
    assertThat(w.goal())
        .contains("CRITICAL ok 95.0 % < 100.0 %")
        .contains("40 false sheds > 12 (elasticsearch)");
    assertThat(w.best()).containsEntry("p99 (of those that survived)", "elasticsearch (9.0 ms)");

    Verdicts.Verdict died =
        Verdicts.of(List.of(run("membreaker", false, 1, 0.5, 0, null, 1))).get(0);
    assertThat(died.goal()).contains("it died");
  }
}
