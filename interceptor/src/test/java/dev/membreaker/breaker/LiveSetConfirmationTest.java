package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import dev.membreaker.testing.FakeLiveSetSource;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The breaker does not act on promoted bytes of unknown liveness: it asks for a confirming
 * collection first, unless the anchor itself calls for shedding, exhaustion is imminent,
 * or no confirmation can answer. A stale anchor is refreshed while not HEALTHY, and a stale live set
 * cannot be what lets HALF_OPEN close.
 */
class LiveSetConfirmationTest {

  private final FakeTicker ticker = new FakeTicker();
  private final FakeLiveSetSource live = new FakeLiveSetSource(1L << 30);
  private final FakeMemorySource direct = FakeMemorySource.atPressure(Dimension.DIRECT, 0.1);
  private final BreakerConfig config = Harness.crisp().openMin(Duration.ofSeconds(5)).build();
  private final MemoryBreaker breaker = MemoryBreaker.builder().config(config)
      .sources(List.of(live, direct)).ticker(ticker).listenerExecutor(Runnable::run).build();

  private void sample() {
    ticker.advance(config.sampleInterval());
    breaker.evaluateNow();
  }

  private BreakerState state() {
    return breaker.status().state();
  }

  @Test
  void promotedBytesOfUnknownLivenessAreConfirmedBeforeAnyCallIsShed() {
    live.anchor(0.20);
    sample();
    live.young(0.85, 0.85); // the estimate says DEGRADED; the anchor says 0.20
    sample();
    assertThat(state()).as("not even WARNING: its actions must not start on garbage").isEqualTo(BreakerState.HEALTHY);
    assertThat(breaker.decide(Priority.SHEDDABLE)).isEqualTo(Decision.ADMIT);
    assertThat(live.requests()).hasSize(1).first().asString().contains("unknown liveness");
    live.confirmAs(0.22); // the collection: nearly all of it was garbage
    sample();
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(breaker.status().pressure()).isCloseTo(0.22, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(breaker.recentTransitions()).isEmpty();
  }

  @Test
  void anAnchorThatCallsForSheddingShedsAtOnce() {
    live.anchor(0.82);
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
    live.young(0.92, 0.92);
    sample();
    assertThat(state()).as("the anchor already says DEGRADED: more of the same is not held").isEqualTo(BreakerState.OPEN);
  }

  @Test
  void anUpperBoundAtTheOpenWatermarkOpensWithoutWaitingForAConfirmation() {
    live.anchor(0.20);
    sample();
    live.young(0.91, 0.91);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
  }

  @Test
  void withoutConfirmationsTheEstimateDecidesAsBefore() {
    live.cannotConfirm().anchor(0.20);
    sample();
    live.young(0.85, 0.85);
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
  }

  @Test
  void whenAnchorsShowedRetentionTheEstimateIsTrusted() {
    live.deadShare(0.1).anchor(0.20);
    sample();
    live.young(0.85, 0.85);
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
    assertThat(live.requests()).isEmpty();
  }

  @Test
  void aConfirmationThatShowsRetentionActsAtOnce() {
    live.anchor(0.20);
    sample();
    live.young(0.85, 0.85);
    sample();
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
    live.deadShare(0.0).confirmAs(0.84); // it was all live
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
  }

  @Test
  void anotherDimensionsLevelIsNeverHeld() {
    live.anchor(0.20);
    sample();
    direct.setPressure(0.82);
    live.young(0.89, 0.89);
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
    assertThat(breaker.status().drivingDimension()).as("the unconfirmed live set does not decide").isEqualTo(Dimension.DIRECT);
    assertThat(breaker.status().pressure()).as("so its 0.89 does not set the shedding").isCloseTo(0.82, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(live.requests()).hasSize(1);
  }

  @Test
  void aStaleAnchorIsRefreshedBeforeOpenEndsAndHalfOpenDoesNotCloseOnIt() {
    live.cannotConfirm(); // as if no confirmation answered: the anchor stays stale
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    ticker.advance(Duration.ofSeconds(5));
    sample();
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    for (int i = 0; i < 400; i++) { // 20 s of samples: the ramp is 10 s
      sample();
    }
    assertThat(state()).as("no fresh live set: neither HEALTHY nor a relapse").isEqualTo(BreakerState.HALF_OPEN);
  }

  @Test
  void aStaleAnchorIsAskedToBeRefreshedNearTheEndOfOpenOnly() {
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    ticker.advance(Duration.ofMillis(3000));
    sample();
    assertThat(live.requests()).as("3 s left in OPEN: a refresh now would only add a pause").isEmpty();
    ticker.advance(Duration.ofMillis(1000));
    sample();
    assertThat(live.requests()).hasSize(1).first().asString().contains("stale live set while OPEN");
    live.confirmAs(0.30);
    ticker.advance(Duration.ofSeconds(1));
    sample();
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
  }

  @Test
  void aHealthyBreakerAsksForNothing() {
    live.anchor(0.20);
    for (int i = 0; i < 100; i++) {
      sample();
    }
    assertThat(live.requests()).isEmpty();
  }
}
