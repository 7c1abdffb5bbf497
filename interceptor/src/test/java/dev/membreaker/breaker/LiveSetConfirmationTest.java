package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.memory.Collector;
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
 * collection first, unless the anchor itself calls for shedding, exhaustion is imminent, or no
 * confirmation can answer. A stale anchor is refreshed while not HEALTHY, and a stale live set
 * cannot be what lets HALF_OPEN close.
 */
class LiveSetConfirmationTest {

  private final FakeTicker ticker = new FakeTicker();
  private final FakeLiveSetSource live = new FakeLiveSetSource(1L << 30);
  private final FakeMemorySource direct = FakeMemorySource.atPressure(Dimension.DIRECT, 0.1);
  private final BreakerConfig config = Harness.crisp().openMin(Duration.ofSeconds(5)).build();
  private final MemoryBreaker breaker =
      MemoryBreaker.builder()
          .config(config)
          .sources(List.of(live, direct))
          .ticker(ticker)
          .listenerExecutor(Runnable::run)
          .build();

  private void sample() {
    ticker.advance(config.sampleInterval());
    breaker.evaluateNow();
  }

  private BreakerState state() {
    return breaker.status().state();
  }

  /** Projects exhaustion: warns within 30 s, opens within 10 s, from 0.30 of the heap. */
  private final BreakerConfig projecting =
      Harness.crisp()
          .occupancyFloor(0.30)
          .exhaustionWarningHorizon(Duration.ofSeconds(30))
          .exhaustionOpenHorizon(Duration.ofSeconds(10))
          .build();

  /** A breaker on {@code source} and the direct source with the {@link #projecting} config. */
  private MemoryBreaker projecting(FakeLiveSetSource source) {
    return MemoryBreaker.builder()
        .config(projecting)
        .sources(List.of(source, direct))
        .ticker(ticker)
        .listenerExecutor(Runnable::run)
        .build();
  }

  @Test
  void promotedBytesOfUnknownLivenessAreConfirmedBeforeAnyCallIsShed() {
    live.anchor(0.20);
    sample();
    live.young(0.85, 0.85); // the estimate says DEGRADED; the anchor says 0.20
    sample();
    assertThat(state())
        .as("not even WARNING: its actions must not start on garbage")
        .isEqualTo(BreakerState.HEALTHY);
    assertThat(breaker.decide(Priority.SHEDDABLE)).isEqualTo(Decision.ADMIT);
    assertThat(live.requests()).hasSize(1).first().asString().contains("unknown liveness");
    live.confirmAs(0.22); // the collection: nearly all of it was garbage
    sample();
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(breaker.status().pressure())
        .isCloseTo(0.22, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(breaker.recentTransitions()).isEmpty();
  }

  @Test
  void confirmGcOffOrConcurrentOnlyOnAStopTheWorldCollectorAsksForNone() {
    for (ConfirmGc mode : List.of(ConfirmGc.OFF, ConfirmGc.CONCURRENT_ONLY)) {
      FakeLiveSetSource source =
          new FakeLiveSetSource(1L << 30); // its confirmations are not concurrent
      BreakerConfig c = Harness.crisp().confirmGc(mode).build();
      MemoryBreaker b =
          MemoryBreaker.builder()
              .config(c)
              .sources(List.of(source, direct))
              .ticker(ticker)
              .listenerExecutor(Runnable::run)
              .build();
      source.anchor(0.20);
      ticker.advance(c.sampleInterval());
      b.evaluateNow();
      source.young(0.85, 0.85);
      ticker.advance(c.sampleInterval());
      b.evaluateNow();
      assertThat(b.status().state())
          .as("%s: the estimate decides, as without confirmations", mode)
          .isEqualTo(BreakerState.DEGRADED);
      for (int i = 0; i < 100; i++) { // 5 s not HEALTHY, the anchor stale: still no refresh
        ticker.advance(c.sampleInterval());
        b.evaluateNow();
      }
      assertThat(source.requests()).as("%s", mode).isEmpty();
      b.close();
    }
  }

  @Test
  void openDoesNotEndWhileTheUpperBoundSaysTheHeapIsRefilling() {
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    live.confirmAs(0.30);
    live.young(
        0.75, 0.30); // measured low, but what was promoted since fills the upper bound to 0.75
    for (int i = 0; i < 200; i++) { // 10 s: past the open time too
      sample();
    }
    assertThat(state())
        .as("HALF_OPEN would relapse on the upper bound at once")
        .isEqualTo(BreakerState.OPEN);
    assertThat(breaker.recentTransitions()).as("no HALF_OPEN and back meanwhile").hasSize(1);
    live.young(0.35, 0.30);
    for (int i = 0; i < 10; i++) {
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    live.confirmAs(0.30);
    sample();
    live.confirmAs(0.30);
    sample();
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
  }

  @Test
  void onZgcAndShenandoahGrowthUnderTheWarningWatermarkOnlyWarnsAndAboveItOpens() {
    for (dev.membreaker.memory.Collector c :
        List.of(
            dev.membreaker.memory.Collector.ZGC,
            dev.membreaker.memory.Collector.SHENANDOAH,
            dev.membreaker.memory.Collector.G1)) {
      FakeLiveSetSource source = new FakeLiveSetSource(1L << 30).collector(c);
      BreakerConfig projecting =
          BreakerConfig.builder().ewmaAlpha(1.0).recoverTime(Duration.ZERO).build();
      MemoryBreaker b =
          MemoryBreaker.builder()
              .config(projecting)
              .sources(List.of(source, direct))
              .ticker(ticker)
              .listenerExecutor(Runnable::run)
              .build();
      // Every cycle an anchor (as ZGC's are), rising 0.2 to 0.64 in a second: a batch building.
      for (int i = 0; i <= 20; i++) {
        source.anchor(0.20 + 0.022 * i);
        ticker.advance(projecting.sampleInterval());
        b.evaluateNow();
      }
      if (c == dev.membreaker.memory.Collector.G1) {
        assertThat(b.status().state())
            .as("G1's anchors are confirmations: the projection opens")
            .isEqualTo(BreakerState.OPEN);
      } else {
        assertThat(b.status().state())
            .as("%s under the warning watermark", c)
            .isEqualTo(BreakerState.WARNING);
        assertThat(b.status().cause()).isEqualTo(Cause.EXHAUSTION_PROJECTION);
        for (int i = 1; i <= 4; i++) { // still rising, now past 0.70
          source.anchor(0.64 + 0.022 * i);
          ticker.advance(projecting.sampleInterval());
          b.evaluateNow();
        }
        assertThat(b.status().state())
            .as("%s at the warning watermark and rising", c)
            .isEqualTo(BreakerState.OPEN);
      }
      b.close();
    }
  }

  @Test
  void aCohortOpenWhileTheDefaultProfileIsHealthyIsRefreshedAndRecovers() {
    FakeLiveSetSource source = new FakeLiveSetSource(1L << 30);
    BreakerConfig strict =
        config.toBuilder().recover(0.5).warning(0.55).degraded(0.6).open(0.7).build();
    MemoryBreaker b =
        MemoryBreaker.builder()
            .config(config)
            .sources(List.of(source, direct))
            .ticker(ticker)
            .cohorts(List.of(new Cohort("strict", 50, strict)))
            .listenerExecutor(Runnable::run)
            .build();
    source.anchor(0.75);
    ticker.advance(config.sampleInterval());
    b.evaluateNow();
    assertThat(b.status().state()).as("default profile").isEqualTo(BreakerState.WARNING);
    source.anchor(0.62); // the default profile recovers; the strict cohort is still OPEN
    for (int i = 0; i < 10; i++) {
      ticker.advance(config.sampleInterval());
      b.evaluateNow();
    }
    assertThat(b.status().state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(b.admission(1).status().state()).as("strict cohort").isEqualTo(BreakerState.OPEN);
    int before = source.requests().size();
    for (int i = 0; i < 20; i++) { // 1 s with the anchor going stale
      ticker.advance(config.sampleInterval());
      b.evaluateNow();
    }
    assertThat(source.requests().size())
        .as("the cohort's OPEN asks for refreshes")
        .isGreaterThan(before);
    b.close();
  }

  @Test
  void anAnchorThatCallsForSheddingShedsAtOnce() {
    live.anchor(0.82);
    sample();
    assertThat(state()).isEqualTo(BreakerState.DEGRADED);
    live.young(0.92, 0.92);
    sample();
    assertThat(state())
        .as("the anchor already says DEGRADED: more of the same is not held")
        .isEqualTo(BreakerState.OPEN);
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
  void onParallelAnUpperBoundAtTheOldGenerationsLimitWaitsForTheFullCollectionItBrings() {
    // Watermarks under the old generation's share of the heap (0.7), so that promoted bytes alone
    // can call for OPEN; no confirmation may start (the last one was too recent).
    BreakerConfig low =
        Harness.crisp().warning(0.40).degraded(0.50).open(0.60).recover(0.35).build();
    for (Collector collector : List.of(Collector.PARALLEL, Collector.SERIAL, Collector.G1)) {
      FakeLiveSetSource source =
          new FakeLiveSetSource(1L << 30)
              .collector(collector)
              .upperLimit(0.70)
              .confirmationsTooSoon();
      MemoryBreaker b =
          MemoryBreaker.builder()
              .config(low)
              .sources(List.of(source, direct))
              .ticker(ticker)
              .listenerExecutor(Runnable::run)
              .build();
      source.anchor(0.20);
      ticker.advance(low.sampleInterval());
      b.evaluateNow();
      source.young(0.69, 0.69); // the old generation full of bytes of unknown liveness
      ticker.advance(low.sampleInterval());
      b.evaluateNow();
      if (collector == Collector.G1) {
        // (With G1 the upper limit is the heap's; set to 0.7 here only to keep the two alike.)
        assertThat(b.status().state())
            .as("G1: the heap is nearly full, no time to confirm")
            .isEqualTo(BreakerState.OPEN);
      } else {
        assertThat(b.status().state())
            .as("%s: the full collection that comes says what is live", collector)
            .isEqualTo(BreakerState.HEALTHY);
        source.anchor(0.21); // the full collection: garbage
        ticker.advance(low.sampleInterval());
        b.evaluateNow();
        assertThat(b.status().state()).isEqualTo(BreakerState.HEALTHY);
        source.young(0.69, 0.69);
        ticker.advance(low.sampleInterval());
        b.evaluateNow();
        source.anchor(0.58); // this time it was live: shed at once
        ticker.advance(low.sampleInterval());
        b.evaluateNow();
        assertThat(b.status().state()).as("%s", collector).isEqualTo(BreakerState.DEGRADED);
        assertThat(b.recentTransitions()).hasSize(1);
      }
      b.close();
    }
  }

  @Test
  void onParallelTheOldGenerationFillingWithGarbageNeitherHoldsOpenNorRelapsesHalfOpen() {
    live.collector(Collector.PARALLEL).upperLimit(0.70);
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    live.confirmAs(0.30);
    live.young(0.69, 0.30); // promoted since the anchor: the old generation is full of it
    for (int i = 0; i < 10; i++) {
      sample();
    }
    assertThat(state())
        .as("with G1 this upper bound holds OPEN; here a full collection measures it")
        .isEqualTo(BreakerState.HALF_OPEN);
    for (int i = 0; i < 3; i++) { // full collections, each followed by the old generation refilling
      live.anchor(0.30);
      sample();
      live.young(0.69, 0.30);
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
    assertThat(breaker.recentTransitions())
        .extracting(TransitionEvent::to)
        .containsExactly(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.HEALTHY);
  }

  @Test
  void anOpenHeldForAConfirmationAsksForItUrgentlyAndAWarningDoesNot() {
    // Garbage regime, the last confirmation too recent: a level that rests on promoted bytes waits
    // for one. When the estimate projects the heap full within the open horizon, it cannot wait
    // for the usual pacing (up to 2 s while shedding): a steep surge fills the heap sooner.
    FakeLiveSetSource source =
        new FakeLiveSetSource(1L << 30).deadShare(0.8).confirmationsTooSoon();
    MemoryBreaker b = projecting(source);
    source.anchor(0.20);
    ticker.advance(projecting.sampleInterval());
    b.evaluateNow();
    double estimate = 0.31;
    for (int i = 0; i < 2; i++) { // 0.6 of the heap a second: the projection's first two samples
      source.young(estimate + 0.3, estimate);
      ticker.advance(projecting.sampleInterval());
      b.evaluateNow();
      estimate += 0.03;
    }
    assertThat(source.requests())
        .as("a WARNING waits for the usual pacing")
        .isNotEmpty()
        .noneMatch(r -> r.contains("fills faster"));
    source.young(estimate + 0.3, estimate); // the third: OPEN, held
    ticker.advance(projecting.sampleInterval());
    b.evaluateNow();
    assertThat(b.status().state()).as("held: the anchor says 0.20").isEqualTo(BreakerState.HEALTHY);
    assertThat(source.requests()).last().asString().contains("fills faster");
    b.close();
  }

  @Test
  void untilAnchorsSayWhetherPromotedBytesDieAProjectionUnderTheWarningWatermarkWaitsForOne() {
    // A first anchor taken while churn ramps up finds the last second's objects live and teaches
    // nothing (dead share unknown); the next confirmation is too soon by the usual pacing. Under
    // the warning watermark the level waits for an urgent one; at the watermark it acts.
    FakeLiveSetSource source = new FakeLiveSetSource(1L << 30).confirmationsTooSoon();
    MemoryBreaker b = projecting(source);
    source.anchor(0.20);
    ticker.advance(projecting.sampleInterval());
    b.evaluateNow();
    double estimate = 0.31;
    for (int i = 0; i < 3; i++) { // 0.6 of the heap a second: OPEN by projection on the third
      source.young(estimate, estimate);
      ticker.advance(projecting.sampleInterval());
      b.evaluateNow();
      estimate += 0.03;
    }
    assertThat(b.status().state())
        .as("held under the warning watermark: no anchor has said what promoted bytes do")
        .isEqualTo(BreakerState.HEALTHY);
    assertThat(source.requests()).last().asString().contains("fills faster");

    for (int i = 0; i < 12 && b.status().state() == BreakerState.HEALTHY; i++) {
      source.young(estimate, estimate); // still rising, and no confirmation has answered
      ticker.advance(projecting.sampleInterval());
      b.evaluateNow();
      estimate += 0.03;
    }
    assertThat(b.status().state())
        .as("from the warning watermark on, the estimate decides")
        .isEqualTo(BreakerState.OPEN);
    assertThat(estimate - 0.03).isGreaterThanOrEqualTo(projecting.warning());
    b.close();
  }

  @Test
  void bytesAllocatedStraightIntoTheOldGenerationAreMeasuredWhenTheyReachTheWarningWatermark() {
    // G1 humongous request buffers: no collection comes by itself while they fill the heap, and
    // the upper bound, set at the last one, does not hold them.
    live.collector(Collector.G1).anchor(0.20);
    sample();
    live.young(0.30, 0.25).unseen(0.35); // 0.65 with them: under the watermark
    sample();
    assertThat(live.requests()).isEmpty();
    live.unseen(0.42); // 0.72
    sample();
    assertThat(live.requests()).singleElement().asString().contains("fills faster");
    assertThat(state())
        .as("measured, not acted on: most such bytes die young")
        .isEqualTo(BreakerState.HEALTHY);
    live.confirmAs(0.71); // they were retained: the anchor decides at once
    sample();
    assertThat(state()).isEqualTo(BreakerState.WARNING);
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
  void withoutConfirmationsARiseOfUnconfirmedBytesUnderTheWarningWatermarkOnlyWarns() {
    // Growth and projection on, from 0.2 of the heap.
    BreakerConfig c =
        Harness.crisp()
            .occupancyFloor(0.2)
            .exhaustionWarningHorizon(Duration.ofSeconds(30))
            .exhaustionOpenHorizon(Duration.ofSeconds(10))
            .build();
    FakeLiveSetSource source =
        new FakeLiveSetSource(1L << 30).cannotConfirm(); // -XX:+DisableExplicitGC
    MemoryBreaker b =
        MemoryBreaker.builder()
            .config(c)
            .sources(List.of(source, direct))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .build();
    source.anchor(0.20);
    ticker.advance(c.sampleInterval());
    b.evaluateNow();
    for (int i = 1; i <= 9; i++) { // promoted garbage between mixed collections: 0.25 ... 0.65
      source.young(0.20 + 0.05 * i, 0.20 + 0.05 * i);
      ticker.advance(c.sampleInterval());
      b.evaluateNow();
      assertThat(b.status().state())
          .as("at %.2f, projected full within a second", 0.20 + 0.05 * i)
          .isIn(BreakerState.HEALTHY, BreakerState.WARNING);
    }
    assertThat(b.recentTransitions())
        .extracting(TransitionEvent::cause)
        .contains(Cause.EXHAUSTION_PROJECTION);
    source.young(0.72, 0.72); // the same rise past the watermark: a surge is not waited for
    ticker.advance(c.sampleInterval());
    b.evaluateNow();
    assertThat(b.status().state()).isEqualTo(BreakerState.OPEN);
    assertThat(b.status().cause()).isIn(Cause.EXHAUSTION_PROJECTION, Cause.GROWTH);
    b.close();
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
    assertThat(breaker.status().drivingDimension())
        .as("the unconfirmed live set does not decide")
        .isEqualTo(Dimension.DIRECT);
    assertThat(breaker.status().pressure())
        .as("so its 0.89 does not set the shedding")
        .isCloseTo(0.82, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(live.requests()).hasSize(1);
  }

  @Test
  void aStaleAnchorNeitherEndsOpenNorClosesHalfOpen() {
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    for (int i = 0; i < 400; i++) { // 20 s of samples, the open time is 5 s: no collection answers
      sample();
    }
    assertThat(state())
        .as("no figure measured since OPEN began: it holds")
        .isEqualTo(BreakerState.OPEN);
    assertThat(breaker.status().drivingDimension())
        .as("what holds it is named, not direct at 0.1")
        .isEqualTo(Dimension.HEAP_LIVE);
    assertThat(breaker.status().pressure())
        .isCloseTo(0.95, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(live.requests())
        .as("refreshes asked for meanwhile")
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r).contains("stale live set while OPEN"));
    live.confirmAs(0.68); // measured: under warning, above recover
    sample();
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(breaker.status().cause()).isEqualTo(Cause.OPEN_TIME_ELAPSED);
    for (int i = 0; i < 220; i++) { // the 10 s ramp, no newer collection
      sample();
    }
    assertThat(state())
        .as("0.68 is above recover: the ramp ends in WARNING")
        .isEqualTo(BreakerState.WARNING);
  }

  @Test
  void withoutConfirmationsOpenEndsOnItsTimeOrOnACollectionsFigureNotOnAStaleOne() {
    live.cannotConfirm(); // -XX:+DisableExplicitGC, or a pause that does not fit the budget
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    for (int i = 0; i < 20; i++) { // a second with no collection: nothing measured memory low
      sample();
    }
    assertThat(state())
        .as("a live set no collection measured since OPEN is no recovery")
        .isEqualTo(BreakerState.OPEN);
    live.young(0.82, 0.82); // a collection: every one is a measurement here, and it says still full
    for (int i = 0; i < 20; i++) {
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    assertThat(breaker.status().drivingDimension()).isEqualTo(Dimension.HEAP_LIVE);
    live.young(0.30, 0.30); // memory let go, measured by the next collection
    for (int i = 0; i < 6; i++) {
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(breaker.status().cause()).isEqualTo(Cause.RECOVERED);
  }

  @Test
  void withoutConfirmationsTheOpenTimeDecidesAsBefore() {
    live.cannotConfirm(); // -XX:+DisableExplicitGC, or confirm_gc: off
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    ticker.advance(Duration.ofSeconds(5));
    sample();
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(live.requests()).isEmpty();
  }

  @Test
  void openEndsAsSoonAsAFreshAnchorShowsMemoryRecoveredNotWhenItsTimeIsUp() {
    live.anchor(0.95);
    sample();
    assertThat(state()).isEqualTo(BreakerState.OPEN);
    long openedAt = ticker.read();
    ticker.advance(Duration.ofMillis(1000));
    sample();
    assertThat(live.requests()).hasSize(1).first().asString().contains("stale live set while OPEN");
    live.confirmAs(0.30); // the surge is over: the refresh finds 0.30 live
    for (int i = 0; i < 6 && state() == BreakerState.OPEN; i++) {
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    assertThat(breaker.status().cause()).isEqualTo(Cause.RECOVERED);
    assertThat(Duration.ofNanos(ticker.read() - openedAt)).isLessThan(config.openMin());
    sample();
    assertThat(state()).as("no measurement yet while probing").isEqualTo(BreakerState.HALF_OPEN);
    live.confirmAs(0.305); // measured while probing: held still once
    sample();
    assertThat(state()).as("still once is not enough").isEqualTo(BreakerState.HALF_OPEN);
    live.confirmAs(0.30); // and twice: the probes held nothing
    sample();
    assertThat(state())
        .as("recovered on figures measured since OPEN began")
        .isEqualTo(BreakerState.HEALTHY);
  }

  @Test
  void halfOpenKeepsProbingWhileTheLiveSetMovesUnderIt() {
    live.anchor(0.95);
    sample();
    live.confirmAs(0.50); // in-flight calls still draining
    for (int i = 0; i < 6 && state() == BreakerState.OPEN; i++) {
      sample();
    }
    assertThat(state()).isEqualTo(BreakerState.HALF_OPEN);
    live.confirmAs(0.30); // still falling: what the probes add may hide under the fall
    sample();
    live.confirmAs(0.40); // the probes hold memory: the surge is still arriving
    for (int i = 0; i < 20; i++) {
      sample();
    }
    assertThat(state()).as("ramping, not closed early").isEqualTo(BreakerState.HALF_OPEN);
    assertThat(breaker.admission().admitProbability(Priority.DEFAULT)).isLessThan(0.5);
    live.confirmAs(0.405); // held still at last, twice
    sample();
    live.confirmAs(0.40);
    sample();
    assertThat(state()).isEqualTo(BreakerState.HEALTHY);
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
