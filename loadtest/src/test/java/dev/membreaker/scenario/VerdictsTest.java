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
    return run("s", contender, survived, oom, critical, falseSheds, toFull, p99, null);
  }

  private static Measures run(
      String scenario,
      String contender,
      boolean survived,
      long oom,
      double critical,
      long falseSheds,
      Double toFull,
      double p99,
      Double normalP99) {
    return new Measures(
        scenario,
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
        normalP99,
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

  @Test
  void theP99BarIsTheLargerOfAQuarterAboveTheBestSurvivingPeerAndTenMillisAboveCalmUnprotected() {
    // Peers only: 1.25 x the best surviving peer (pinot died, so solr's 8 ms: a bar of 10 ms).
    List<Measures> peersOnly =
        List.of(
            run("membreaker", true, 0, 1.0, 0, null, 10.5),
            run("solr", true, 0, 1.0, 0, null, 8),
            run("pinot", false, 1, 0.3, 0, null, 1),
            run("none", true, 0, 1.0, 0, null, 2));
    Verdicts.Verdict v = Verdicts.of(peersOnly).get(0);
    assertThat(v.p99Met()).isFalse();
    assertThat(v.p99Bar()).isEqualTo("not met: 10.5 > 10.0 ms (1.25 × solr's 8.0)");

    // With a calm run of the unprotected server at 3 ms, the bar is 13 ms: met, in every scenario
    // of the results, calm included.
    List<Measures> withCalm =
        List.of(
            run("membreaker", true, 0, 1.0, 0, null, 10.5),
            run("solr", true, 0, 1.0, 0, null, 8),
            run("calm", "none", true, 0, 1.0, 0, null, 3, null),
            run("calm", "membreaker", true, 0, 1.0, 0, null, 13.5, null));
    List<Verdicts.Verdict> vs = Verdicts.of(withCalm);
    assertThat(vs.get(0).p99Met()).isTrue();
    assertThat(vs.get(0).p99Bar())
        .isEqualTo(
            "met: 10.5 ≤ 13.0 ms (the larger of 1.25 × solr's 8.0 and calm unprotected 3.0 + 10)");
    assertThat(vs.get(1).p99Met()).isFalse();
    assertThat(vs.get(1).p99Bar()).isEqualTo("not met: 13.5 > 13.0 ms (calm unprotected 3.0 + 10)");
    assertThat(Verdicts.markdown(withCalm))
        .contains("The p99 bar")
        .contains("is met in 1 of the 2 scenarios it could be judged in");

    // Nothing to judge by, or membreaker died: no verdict on p99.
    Verdicts.Verdict alone =
        Verdicts.of(List.of(run("membreaker", true, 0, 1.0, 0, null, 10))).get(0);
    assertThat(alone.p99Met()).isNull();
    Verdicts.Verdict died =
        Verdicts.of(
                List.of(
                    run("membreaker", false, 1, 0.5, 0, null, 1),
                    run("solr", true, 0, 1.0, 0, null, 8)))
            .get(0);
    assertThat(died.p99Met()).isNull();
    assertThat(died.p99Bar()).contains("did not survive");
  }

  @Test
  void whereAllCallsMissTheBarTheVerdictSaysWhetherTheNormalTrafficWaited() {
    // membreaker completes large uploads a peer lost: its p99 over all calls is theirs.
    List<Measures> runs =
        List.of(
            run("s", "membreaker", true, 0, 1.0, 0, null, 140, 9.0),
            run("s", "solr", true, 0, 1.0, 0, null, 8, 8.0));
    Verdicts.Verdict v = Verdicts.of(runs).get(0);
    assertThat(v.p99Met()).isFalse();
    assertThat(v.p99Bar())
        .isEqualTo(
            "not met: 140.0 > 10.0 ms (1.25 × solr's 8.0); the normal traffic alone: 9.0 ≤ 10.0"
                + " ms");

    List<Measures> slowNormal =
        List.of(
            run("s", "membreaker", true, 0, 1.0, 0, null, 140, 30.0),
            run("s", "solr", true, 0, 1.0, 0, null, 8, 8.0));
    assertThat(Verdicts.of(slowNormal).get(0).p99Bar())
        .endsWith("the normal traffic alone: 30.0 > 10.0 ms");
  }
}
