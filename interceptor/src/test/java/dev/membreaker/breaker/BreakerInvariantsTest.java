package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Invariants over random sequences of pressures, elapsed time, call outcomes and overrides: every
 * transition is announced once and in order (the events chain from state to state and count what
 * the status counts), each sample publishes a newer snapshot, HEALTHY never holds at or above the
 * warning watermark, and overrides always win. (That only the table's transitions happen needs no
 * check here: every move goes through {@code TransitionTable.check}, which throws.)
 */
class BreakerInvariantsTest {

  sealed interface Step permits Live, Wait, Outcome, Override {}

  record Live(double pressure) implements Step {}

  record Wait(int millis) implements Step {}

  record Outcome(int code, int count) implements Step {}

  record Override(OverrideMode mode) implements Step {}

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<Step> live = Arbitraries.doubles().between(0, 1).map(Live::new);
    Arbitrary<Step> edge =
        Arbitraries.of(0.64, 0.65, 0.66, 0.69, 0.70, 0.71, 0.79, 0.80, 0.81, 0.89, 0.90, 0.95, 0.97)
            .map(Live::new);
    Arbitrary<Step> wait = Arbitraries.integers().between(1, 3000).map(Wait::new);
    Arbitrary<Step> outcome =
        Combinators.combine(
                Arbitraries.of(0, 0, 0, 2, 4, 8, 13, 14), Arbitraries.integers().between(1, 30))
            .as(Outcome::new);
    Arbitrary<Step> override = Arbitraries.of(OverrideMode.class).map(Override::new);
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, live),
            net.jqwik.api.Tuple.of(4, edge),
            net.jqwik.api.Tuple.of(4, wait),
            net.jqwik.api.Tuple.of(2, outcome),
            net.jqwik.api.Tuple.of(1, override))
        .list()
        .ofMinSize(1)
        .ofMaxSize(300);
  }

  @Provide
  Arbitrary<BreakerConfig> configs() {
    return Arbitraries.of(0.2, 0.5, 1.0)
        .map(
            alpha ->
                BreakerConfig.builder()
                    .ewmaAlpha(alpha)
                    .openMin(Duration.ofMillis(200))
                    .openMax(Duration.ofSeconds(2))
                    .halfOpenRamp(Duration.ofMillis(500))
                    .consecutiveFailures(5)
                    .build());
  }

  @Property(tries = 400)
  void theBreakerKeepsItsInvariants(
      @ForAll("configs") BreakerConfig config, @ForAll("steps") List<Step> steps) {
    Harness h = new Harness(config);
    OverrideMode override = OverrideMode.NONE;
    for (Step step : steps) {
      if (step instanceof Live) {
        h.live.setPressure(((Live) step).pressure());
        h.used.setPressure(Math.min(1, ((Live) step).pressure() + 0.1));
      } else if (step instanceof Wait) {
        h.ticker.advanceMillis(((Wait) step).millis());
      } else if (step instanceof Outcome) {
        for (int i = 0; i < ((Outcome) step).count(); i++) {
          h.breaker.recordOutcome(((Outcome) step).code(), 1_000_000L);
        }
      } else {
        override = ((Override) step).mode();
        h.breaker.setOverride(override, "property", null);
        assertOverrideWins(h, override);
      }
      long sequenceBefore = h.breaker.status().sequence();
      h.tick();
      BreakerStatus status = h.breaker.status();
      assertThat(status.sequence())
          .as("a sample publishes a newer snapshot")
          .isGreaterThan(sequenceBefore);
      if (status.pressure() >= config.warning()) {
        assertThat(status.state())
            .as("HEALTHY at pressure %s", status.pressure())
            .isNotEqualTo(BreakerState.HEALTHY);
      }
      assertOverrideWins(h, override);
    }
    BreakerState previous = BreakerState.HEALTHY;
    for (TransitionEvent e : h.events) {
      assertThat(e.from()).as("events chain: none lost, none repeated").isEqualTo(previous);
      previous = e.to();
    }
    assertThat(previous).isEqualTo(h.state());
    assertThat(h.breaker.status().transitions()).isEqualTo(h.events.size());
  }

  private static void assertOverrideWins(Harness h, OverrideMode override) {
    switch (override) {
      case FORCED_CLOSED:
        for (Priority p : Priority.values()) {
          assertThat(h.decide(p)).isEqualTo(Decision.ADMIT);
        }
        break;
      case FORCED_OPEN:
        assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
        assertThat(h.decide(Priority.SHEDDABLE)).isEqualTo(Decision.SHED);
        break;
      case SHADOW:
        for (Priority p : Priority.values()) {
          assertThat(h.decide(p)).isNotEqualTo(Decision.SHED);
        }
        break;
      default:
        break;
    }
  }
}
