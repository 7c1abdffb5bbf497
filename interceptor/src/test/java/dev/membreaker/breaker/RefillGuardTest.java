package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.ArrayDeque;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A reading made low by shedding is not a recovery: while the calls the breaker refuses would bring
 * back more than the headroom, OPEN and HALF_OPEN hold, on fake time, against a model of a server
 * whose calls each hold a share of the heap for a few seconds.
 */
class RefillGuardTest {

  /** What one admitted call holds, as a share of the heap, and for how long. */
  private static final double PER_CALL = 0.004;

  private static final long HOLD_NANOS = 3_000_000_000L;
  private static final double BASE = 0.10;

  private final Harness h = new Harness(Harness.crisp().build());
  private final ArrayDeque<Long> held = new ArrayDeque<>(); // expiry of each call holding memory
  private double peakAfterFirstOpen;
  private boolean opened; // HALF_OPEN once: the first drain is over
  private boolean healthyWhileSurging;

  /**
   * Runs {@code seconds} of traffic at {@code rate} calls a second of DEFAULT priority; each
   * admitted call holds {@link #PER_CALL} of the heap for {@link #HOLD_NANOS}; the live set is
   * measured at every sample.
   */
  private void run(double rate, double seconds, double baseShare) {
    run(rate, seconds, baseShare, PER_CALL);
  }

  private void run(double rate, double seconds, double baseShare, double perCall) {
    long samples = Math.round(seconds * 1e9 / h.config.sampleInterval().toNanos());
    double perSample = rate * h.config.sampleInterval().toNanos() / 1e9;
    double owed = 0;
    for (long i = 0; i < samples; i++) {
      long now = h.ticker.read();
      while (!held.isEmpty() && held.peekFirst() - now <= 0) {
        held.removeFirst();
      }
      owed += perSample;
      for (; owed >= 1; owed--) {
        if (h.decide(Priority.DEFAULT).admitted()) {
          held.addLast(now + HOLD_NANOS);
        }
      }
      double live = baseShare + perCall * held.size();
      h.live(live);
      opened |= h.state() == BreakerState.HALF_OPEN;
      if (opened) {
        peakAfterFirstOpen = Math.max(peakAfterFirstOpen, live);
        healthyWhileSurging |= rate > 0 && h.state() == BreakerState.HEALTHY;
      }
    }
  }

  @RepeatedTest(
      50) // decisions in DEGRADED and HALF_OPEN are random draws: many runs, each must hold
  void aHalfOpenWhoseShareWouldBringBackMoreThanTheHeadroomNeitherClosesNorAdmitsIt() {
    // A surge that goes on: 100 calls/s would hold 1.2 of the heap. (Alone, DEGRADED's
    // proportional shedding can hold this model under the open watermark: a spike of other bytes
    // takes it to OPEN, as in a server where the surge is not all that fills memory.)
    run(100, 2, BASE);
    run(100, 0.05, BASE + 0.5);
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    run(100, 28, BASE);

    assertThat(opened).as("HALF_OPEN probes").isTrue();
    assertThat(healthyWhileSurging)
        .as(
            "never HEALTHY while the refused calls would refill the heap (the reading is low only"
                + " because they are refused)")
        .isFalse();
    assertThat(peakAfterFirstOpen)
        .as("what it admits fits: the heap never reaches the open watermark after the first drain")
        .isLessThan(h.config.open());
    assertThat(h.breaker.admission().admitProbability(Priority.DEFAULT))
        .as("HALF_OPEN admits about what the headroom holds: (0.70 - 0.10) / 1.2 of the calls")
        .isBetween(0.1, 0.6);

    run(0, 3, BASE); // the surge ends; its last calls let go within 3 s
    run(5, 1.5, BASE);
    assertThat(h.state())
        .as("HEALTHY within 1.5 s of the pressure's end")
        .isEqualTo(BreakerState.HEALTHY);
  }

  @RepeatedTest(
      50) // decisions in DEGRADED and HALF_OPEN are random draws: many runs, each must hold
  void aDropThatSheddingDidNotCauseHoldsTheBreakerOnlyUntilItsProbesShowCallsHoldNothing() {
    run(100, 2, 0.60, 0); // 100 calls/s that hold nothing, beside a cache of 0.60
    run(100, 1, 0.95, 0); // the cache grows: OPEN
    assertThat(h.state()).isEqualTo(BreakerState.OPEN);
    long clearedAt = h.ticker.read();
    // the cache is cleared while the calls keep arriving: the drop looks like what shedding frees
    for (int i = 0; i < 160 && h.state() != BreakerState.HEALTHY; i++) {
      run(100, 0.05, 0.30, 0);
    }
    assertThat(h.state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(Duration.ofNanos(h.ticker.read() - clearedAt))
        .as("the learned bytes per call are corrected by what the probes held: nothing")
        .isLessThan(Duration.ofSeconds(6));
  }

  @Test
  void theRatesFollowWhatTheInterceptorCounts() {
    CallDemand calls = new CallDemand();
    DemandMeter meter = new DemandMeter(calls);
    long now = 0;
    meter.sample(now);
    for (int i = 0; i < 40; i++) { // 2 s at 50 ms: 100 admitted/s, 40 refused/s
      for (int c = 0; c < 5; c++) {
        calls.admitted();
      }
      for (int c = 0; c < 2; c++) {
        calls.refused();
      }
      now += 50_000_000L;
      meter.sample(now);
    }
    assertThat(meter.rates().admitted()).isCloseTo(100, org.assertj.core.data.Offset.offset(2.0));
    assertThat(meter.rates().refused()).isCloseTo(40, org.assertj.core.data.Offset.offset(1.0));
    assertThat(meter.admittedRate(500_000_000L, 1_500_000_000L))
        .isCloseTo(100, org.assertj.core.data.Offset.offset(0.1));
    assertThat(meter.admittedRate(-5_000_000_000L, 0))
        .as("nothing before the first sample")
        .isZero();
  }
}
