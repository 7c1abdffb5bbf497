package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The outcome breaker: failure rate with a minimum of calls, failures in a row, slow calls. */
class OutcomeBreakerTest {

  private static final int OK = 0;
  private static final int INTERNAL = 13;
  private static final int RESOURCE_EXHAUSTED = 8;
  private static final long FAST = 1_000_000L;

  @Test
  void failureRateOverTheWindowOpensOnceTheMinimumOfCallsIsReached() {
    Harness h =
        new Harness(
            Harness.crisp().outcomeWindow(10).outcomeMinCalls(6).failureRateThreshold(0.5).build());
    for (int i = 0; i < 5; i++) {
      h.breaker.recordOutcome(INTERNAL, FAST); // 5 of 5 failed, but under the minimum
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    h.breaker.recordOutcome(OK, FAST);
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.OUTCOME_FAILURE_RATE);
  }

  @Test
  void theWindowForgetsOldCalls() {
    Harness h =
        new Harness(
            Harness.crisp()
                .outcomeWindow(10)
                .outcomeMinCalls(10)
                .failureRateThreshold(0.5)
                .build());
    for (int i = 0; i < 4; i++) {
      h.breaker.recordOutcome(INTERNAL, FAST);
    }
    for (int i = 0; i < 10; i++) {
      h.breaker.recordOutcome(OK, FAST); // pushes every failure out
    }
    for (int i = 0; i < 4; i++) {
      h.breaker.recordOutcome(INTERNAL, FAST);
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY); // 4 of the last 10
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN); // 5 of the last 10
  }

  @Test
  void onlyConfiguredCodesAreFailuresAndResourceExhaustedIsNotByDefault() {
    Harness h = new Harness(Harness.crisp().outcomeWindow(20).outcomeMinCalls(20).build());
    for (int i = 0; i < 20; i++) {
      h.breaker.recordOutcome(RESOURCE_EXHAUSTED, FAST);
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(h.config.isFailureCode(RESOURCE_EXHAUSTED)).isFalse();
    assertThat(h.config.isFailureCode(2)).isTrue();
    assertThat(h.config.isFailureCode(4)).isTrue();
    assertThat(h.config.isFailureCode(13)).isTrue();
    assertThat(h.config.isFailureCode(14)).isTrue();
    assertThat(h.config.isFailureCode(OK)).isFalse();
  }

  @Test
  void consecutiveFailuresOpenWhenEnabled() {
    Harness h = new Harness(Harness.crisp().consecutiveFailures(3).outcomeMinCalls(100).build());
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.breaker.recordOutcome(OK, FAST);
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    h.breaker.recordOutcome(INTERNAL, FAST);
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.OUTCOME_CONSECUTIVE_FAILURES);
  }

  @Test
  void slowCallRatioOpensWhenEnabled() {
    Harness h =
        new Harness(
            Harness.crisp()
                .outcomeWindow(10)
                .outcomeMinCalls(10)
                .slowCallThreshold(Duration.ofMillis(100))
                .slowCallRateThreshold(0.6)
                .build());
    for (int i = 0; i < 5; i++) {
      h.breaker.recordOutcome(OK, Duration.ofMillis(150).toNanos());
      h.breaker.recordOutcome(OK, FAST);
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    h.breaker.recordOutcome(OK, Duration.ofMillis(100).toNanos()); // evicts a slow one, adds one
    h.breaker.recordOutcome(OK, Duration.ofMillis(100).toNanos()); // evicts a fast one: 6 of 10
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.OUTCOME_SLOW_CALLS);
  }

  @Test
  void itsRecoveryGoesThroughHalfOpenAndFailuresThereReopen() {
    Harness h = new Harness(Harness.crisp().outcomeWindow(10).outcomeMinCalls(4).build());
    for (int i = 0; i < 4; i++) {
      h.breaker.recordOutcome(INTERNAL, FAST);
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    h.hold(0.2, Duration.ofSeconds(5));
    assertThat(h.state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(h.breaker.outcomeCallsForTest()).isZero(); // a fresh window for the probe calls
    for (int i = 0; i < 4; i++) {
      h.breaker.recordOutcome(INTERNAL, FAST);
    }
    h.tick();
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RELAPSE);
    h.hold(0.2, Duration.ofSeconds(10));
    assertThat(h.state()).isEqualTo(BreakerState.HALF_OPEN);
    for (int i = 0; i < 10; i++) {
      h.breaker.recordOutcome(OK, FAST);
    }
    h.hold(0.2, Duration.ofSeconds(10));
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
  }
}
