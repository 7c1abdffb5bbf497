package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Operator overrides always win; a stalled sampler fails open. */
class OverrideAndStallTest {

  @Test
  void forcedOpenShedsNonCriticalCallsWhileHealthy() {
    Harness h = new Harness();
    h.live(0.2);
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "drill", null);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
    assertThat(h.decide(Priority.SHEDDABLE)).isEqualTo(Decision.SHED);
    assertThat(h.decide(Priority.CRITICAL)).isEqualTo(Decision.ADMIT);
    h.live(0.2);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED); // survives resampling
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY); // the state machine goes on judging
    assertThat(h.breaker.status().override()).isEqualTo(OverrideMode.FORCED_OPEN);
    assertThat(h.breaker.status().overrideReason()).isEqualTo("drill");
  }

  @Test
  void forcedClosedAdmitsEverythingWhileOpen() {
    Harness h = new Harness();
    h.live(0.95);
    h.breaker.setOverride(OverrideMode.FORCED_CLOSED, "breaker off", null);
    for (Priority p : Priority.values()) {
      assertThat(h.admittedShare(p, 100)).isEqualTo(1.0);
    }
    h.breaker.setOverride(OverrideMode.NONE, "back on", null);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
    assertThat(h.overrides)
        .extracting(OverrideChange::to)
        .containsExactly(OverrideMode.FORCED_CLOSED, OverrideMode.NONE);
  }

  @Test
  void shadowShedsNothingButSaysWhatItWouldHaveShed() {
    Harness h = new Harness();
    h.breaker.setOverride(OverrideMode.SHADOW, "trial", null);
    h.live(0.92);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.WOULD_SHED);
    assertThat(h.decide(Priority.SHEDDABLE)).isEqualTo(Decision.WOULD_SHED);
    assertThat(h.decide(Priority.CRITICAL)).isEqualTo(Decision.ADMIT);
    assertThat(h.lastEvent().override()).isEqualTo(OverrideMode.SHADOW);
  }

  @Test
  void anOverrideClearsItselfAtItsExpiry() {
    Harness h = new Harness();
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "five seconds", Duration.ofSeconds(5));
    h.hold(0.2, Duration.ofMillis(4950));
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
    h.hold(0.2, Duration.ofMillis(100));
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.ADMIT);
    assertThat(h.breaker.status().override()).isEqualTo(OverrideMode.NONE);
    assertThat(h.overrides)
        .last()
        .satisfies(
            c -> {
              assertThat(c.to()).isEqualTo(OverrideMode.NONE);
              assertThat(c.reason()).isEqualTo("expired");
            });
  }

  @Test
  void anExpiryMustBeInTheFuture() {
    Harness h = new Harness();
    assertThatThrownBy(() -> h.breaker.setOverride(OverrideMode.SHADOW, "x", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
    assertThatThrownBy(
            () -> h.breaker.setOverride(OverrideMode.SHADOW, "x", Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ttl");
    assertThat(h.breaker.status().override()).isEqualTo(OverrideMode.NONE);
  }

  @Test
  void aStalledSamplerFailsOpenAndSaysSoUntilSamplesResume() {
    Harness h = new Harness();
    h.live(0.95);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
    h.ticker.advance(h.config.sampleInterval().multipliedBy(10));
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth())
        .isEqualTo(SamplerHealth.RUNNING); // 10 is not over 10
    h.ticker.advanceMillis(1);
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.STALLED);
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
    for (Priority p : Priority.values()) {
      assertThat(h.admittedShare(p, 100)).isEqualTo(1.0);
    }
    h.live(0.95);
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.RUNNING);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
  }

  @Test
  void aNeverStartedSamplerCountsAsStalledToo() {
    Harness h = new Harness();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.NOT_STARTED);
    h.ticker.advance(Duration.ofSeconds(1));
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.STALLED);
  }

  @Test
  void forcedOpenWinsEvenOverAStalledSampler() {
    Harness h = new Harness();
    h.live(0.2);
    h.breaker.setOverride(OverrideMode.FORCED_OPEN, "operator", null);
    h.ticker.advance(Duration.ofSeconds(2));
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.STALLED);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
  }

  @Test
  void aCalmSamplerIsOverdueAfterTwoOfItsCalmWaits() {
    Harness h = new Harness(); // 50 ms interval, 10 stall intervals: 500 ms while polling fast
    h.live(0.2); // calm: it waits 500 ms between polls, so a stall is two of those
    h.ticker.advanceMillis(1000);
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.RUNNING);
    h.ticker.advanceMillis(1);
    h.breaker.checkSamplerNow();
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.STALLED);
  }

  @Test
  void aStallIsPublishedOnceAndTheNextSampleEndsIt() {
    Harness h = new Harness();
    h.live(0.95);
    h.ticker.advance(Duration.ofSeconds(1));
    h.breaker.checkSamplerNow();
    long stalledAt = h.breaker.status().sequence();
    h.breaker.checkSamplerNow(); // still stalled: nothing new to publish
    assertThat(h.breaker.status().sequence()).isEqualTo(stalledAt);
    h.live(0.95);
    assertThat(h.breaker.status().sequence()).isEqualTo(stalledAt + 1);
    assertThat(h.breaker.status().samplerHealth()).isEqualTo(SamplerHealth.RUNNING);
  }
}
