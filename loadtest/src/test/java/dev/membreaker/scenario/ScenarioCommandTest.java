package dev.membreaker.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.cli.CliRunner;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What `membreaker scenario` says about bad input, before it starts any server. */
class ScenarioCommandTest {

  @TempDir Path out;

  @Test
  void anUnknownScenarioOrContenderOrAMissingJarIsOneLineAndExitCodeTwo() {
    String[] scenario = CliRunner.run("scenario", "tsunami", "-o", out.toString());
    assertThat(scenario[0]).isEqualTo("2");
    assertThat(scenario[2])
        .contains(
            "no scenario named 'tsunami'; there are calm, surge, sawtooth, churn, leak,"
                + " recovery, direct");

    String[] contender =
        CliRunner.run("scenario", "surge", "--contenders", "none,hystrix", "-o", out.toString());
    assertThat(contender[0]).isEqualTo("2");
    assertThat(contender[2]).contains("no contender named 'hystrix'");

    String[] gc = CliRunner.run("scenario", "surge", "--collector", "cms", "-o", out.toString());
    assertThat(gc[0]).isEqualTo("2");
    assertThat(gc[2])
        .contains("no collector named 'cms'; there are g1, parallel, serial, shenandoah, zgc");

    String[] second =
        CliRunner.run("scenario", "surge", "--collectors", "g1,cms", "-o", out.toString());
    assertThat(second[0]).isEqualTo("2");
    assertThat(second[2]).contains("no collector named 'cms'");

    String[] runs = CliRunner.run("scenario", "surge", "--runs", "0", "-o", out.toString());
    assertThat(runs[0]).isEqualTo("2");
    assertThat(runs[2]).contains("--runs must be 1 to 20, was 0");

    String[] jar =
        CliRunner.run(
            "scenario",
            "surge",
            "--server-jar",
            out.resolve("nope.jar").toString(),
            "-o",
            out.toString());
    assertThat(jar[0]).isEqualTo("2");
    assertThat(jar[2]).contains("no contender server jar at").contains("nope.jar");
  }

  @Test
  void everyScenarioIsBoundedInTimeAndHasNormalTrafficUnderItsPressure() {
    for (String name : Scenario.NAMES) {
      for (boolean quick : new boolean[] {true, false}) {
        Scenario s = Scenario.named(name, quick);
        assertThat(s.seconds()).as(name).isBetween(10, 60);
        assertThat(s.traffic()).as(name).anyMatch(Traffic::critical);
        if (name.equals(Verdicts.CALM)) {
          assertThat(s.traffic()).as(name).allMatch(Traffic::baseline);
        } else {
          assertThat(s.traffic()).as(name).anyMatch(t -> !t.baseline());
        }
      }
    }
  }

  @Test
  void thePartsTogetherAreEveryScenarioOnce() {
    List<String> inParts = new java.util.ArrayList<>();
    Scenario.PARTS.values().forEach(inParts::addAll);
    assertThat(inParts).containsExactlyInAnyOrderElementsOf(Scenario.NAMES);
    for (List<String> part :
        Scenario.PARTS.values()) { // each part runs every contender in under 30 minutes
      int seconds = part.stream().mapToInt(n -> Scenario.named(n, false).seconds()).sum();
      int perRunOverhead = 6; // a server JVM's start and stop, measured at 4 to 5 s
      assertThat((seconds + perRunOverhead * part.size()) * ScenarioCommand.CONTENDERS.size())
          .isLessThan(30 * 60);
    }
  }
}
