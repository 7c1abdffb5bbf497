package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

  @Test
  void constStepAndLineRates() {
    assertThat(RateSchedule.constant(200).rateAt(5)).isEqualTo(200);
    RateSchedule step = RateSchedule.of("step", 0, 100, 400, 100, 2);
    assertThat(step.rateAt(0)).isEqualTo(100);
    assertThat(step.rateAt(1.9)).isEqualTo(100);
    assertThat(step.rateAt(2)).isEqualTo(200);
    assertThat(step.rateAt(60)).isEqualTo(400); // capped at --load-end
    RateSchedule line = RateSchedule.of("line", 0, 50, 10, -10, 1);
    assertThat(line.rateAt(2)).isEqualTo(30);
    assertThat(line.rateAt(10)).isEqualTo(10);
    assertThat(RateSchedule.constant(0).active()).isFalse();
  }

  @Test
  void badSchedulesAreRefused() {
    assertThatThrownBy(() -> RateSchedule.of("zigzag", 0, 1, 2, 1, 1))
        .hasMessageContaining("const, step or line");
    assertThatThrownBy(() -> RateSchedule.of("step", 0, 0, 10, 1, 1))
        .hasMessageContaining("--load-start");
    assertThatThrownBy(() -> RateSchedule.of("line", 0, 100, 10, 5, 1))
        .hasMessageContaining("towards --load-end");
  }
}
