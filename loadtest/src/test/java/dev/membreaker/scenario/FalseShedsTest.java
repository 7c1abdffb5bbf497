package dev.membreaker.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** False sheds are judged against what the server truly held, not against any guard's estimate. */
class FalseShedsTest {

  private static Sample sample(double at, double live, double retained, double direct) {
    return new Sample(at, live, 0.5, 0.5, direct, "-", 0, 0, 0, 0, 0, at, retained, live);
  }

  @Test
  void aRefusalIsFalseWhenTheServerHeldLessThanSeventyPercentWhateverTheEstimateSaid() {
    Scenario scenario = Scenario.named("churn", true);
    Timeline t = new Timeline(scenario.traffic(), scenario.seconds());
    List<Sample> samples = new ArrayList<>();
    samples.add(sample(1.0, 0.95, 0.20, 0.0)); // the estimate says danger, the truth is 0.20
    samples.add(sample(2.0, 0.30, 0.80, 0.0)); // the estimate says calm, the truth is 0.80
    samples.add(sample(3.0, 0.30, 0.10, 0.75)); // little heap held, but direct memory is 0.75 full
    t.closed(2, 1.5, Timeline.Outcome.SHED, 0); // false: 0.20 held
    t.closed(2, 1.6, Timeline.Outcome.SHED, 0); // false
    t.closed(2, 2.5, Timeline.Outcome.SHED, 0); // right: 0.80 held
    t.closed(2, 3.5, Timeline.Outcome.SHED, 0); // right: direct memory
    t.closed(2, 0.5, Timeline.Outcome.SHED, 0); // before any sample: nothing known held, false

    Measures m = Measures.of(scenario, "x", t, samples, -1, 0);

    assertThat(m.falseSheds()).isEqualTo(3);
    assertThat(m.peakTruth()).isEqualTo(0.80);
  }
}
