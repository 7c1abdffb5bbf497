package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HALF_OPEN;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Drives every row of the state table in DESIGN.md with a fake clock and fake sources. */
class StateTableTest {

  @Test
  void healthyAdmitsEverythingBelowWarning() {
    Harness h = new Harness();
    h.live(0.69);
    assertThat(h.state()).isEqualTo(HEALTHY);
    assertThat(h.events).isEmpty();
    for (Priority p : Priority.values()) {
      assertThat(h.admittedShare(p, 1000)).isEqualTo(1.0);
    }
    assertThat(h.breaker.admission().admitsAll()).isTrue();
  }

  @Test
  void warningAtTheWarningWatermarkStillAdmitsEverything() {
    Harness h = new Harness();
    h.live(0.70);
    assertThat(h.state()).isEqualTo(WARNING);
    assertThat(h.lastEvent().from()).isEqualTo(HEALTHY);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.PRESSURE);
    assertThat(h.lastEvent().drivingDimension()).isEqualTo(Dimension.HEAP_LIVE);
    for (Priority p : Priority.values()) {
      assertThat(h.admittedShare(p, 1000)).isEqualTo(1.0);
    }
  }

  @Test
  void degradedShedsSheddableAndDefaultByPressure() {
    Harness h = new Harness();
    h.live(0.75).live(0.85);
    assertThat(h.state()).isEqualTo(DEGRADED);
    assertThat(h.lastEvent().from()).isEqualTo(WARNING);
    assertThat(h.admittedShare(Priority.CRITICAL, 2000)).isEqualTo(1.0);
    assertThat(h.admittedShare(Priority.SHEDDABLE, 2000)).isEqualTo(0.0);
    // DEFAULT: shed with probability (0.85 - 0.80) / (0.90 - 0.80) = 0.5
    assertThat(h.breaker.admission().admitProbability(Priority.DEFAULT))
        .isCloseTo(0.5, within(1e-6));
    assertThat(h.admittedShare(Priority.DEFAULT, 20_000)).isCloseTo(0.5, within(0.03));
    h.live(0.89);
    assertThat(h.breaker.admission().admitProbability(Priority.DEFAULT))
        .isCloseTo(0.1, within(1e-6));
  }

  @Test
  void pressureMayJumpStraightToOpen() {
    Harness h = new Harness();
    h.live(0.93);
    assertThat(h.state()).isEqualTo(OPEN);
    assertThat(h.events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(HEALTHY);
              assertThat(e.to()).isEqualTo(OPEN);
              assertThat(e.pressure()).isCloseTo(0.93, within(0.001));
            });
  }

  @Test
  void openAdmitsCriticalOnlyAndNoneAboveTheCriticalCap() {
    Harness h = new Harness();
    h.live(0.92);
    assertThat(h.admittedShare(Priority.CRITICAL, 1000)).isEqualTo(1.0);
    assertThat(h.admittedShare(Priority.DEFAULT, 1000)).isEqualTo(0.0);
    assertThat(h.admittedShare(Priority.SHEDDABLE, 1000)).isEqualTo(0.0);
    h.live(0.96);
    assertThat(h.state()).isEqualTo(OPEN);
    assertThat(h.admittedShare(Priority.CRITICAL, 1000)).isEqualTo(0.0);
  }

  @Test
  void openForMemoryEndsWhenMemoryRecoversNotWhenItsTimeIsUp() {
    Harness h = new Harness();
    h.live(0.95);
    assertThat(h.state()).isEqualTo(OPEN);
    h.hold(0.30, Duration.ofMillis(250)); // five fresh samples below recover
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RECOVERED);
    h.live(0.30);
    assertThat(h.state()).as("one collection while probing: not yet").isEqualTo(HALF_OPEN);
    h.live(0.30); // two in a row, the live set held still: the probes held nothing
    assertThat(h.state()).isEqualTo(HEALTHY);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RECOVERED);
  }

  @Test
  void openHoldsItsMinimumTimeWhileMemoryIsAboveRecoverThenSlowStarts() {
    Harness h = new Harness();
    h.live(0.95);
    assertThat(h.state()).isEqualTo(OPEN);
    // Pressure falls under warning, not under recover: OPEN holds open_min (5 s).
    h.hold(0.68, Duration.ofMillis(4900));
    assertThat(h.state()).isEqualTo(OPEN);
    h.hold(0.68, Duration.ofMillis(150));
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.OPEN_TIME_ELAPSED);
    // The slow start: the probe share first, rising linearly over the 10 s ramp.
    double atStart = h.breaker.admission().admitProbability(Priority.DEFAULT);
    assertThat(atStart).isCloseTo(0.1, within(0.02));
    h.hold(0.68, Duration.ofSeconds(5));
    assertThat(h.breaker.admission().admitProbability(Priority.SHEDDABLE))
        .isCloseTo(0.55, within(0.02));
    assertThat(h.admittedShare(Priority.DEFAULT, 20_000)).isCloseTo(0.55, within(0.03));
    assertThat(h.admittedShare(Priority.CRITICAL, 1000)).isEqualTo(1.0);
    h.hold(0.30, Duration.ofMillis(300)); // memory recovered: HALF_OPEN closes before its ramp ends
    assertThat(h.state()).isEqualTo(HEALTHY);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RECOVERED);
    assertThat(h.breaker.admission().admitsAll()).isTrue();
  }

  @Test
  void openForMemoryAtDegradedOrWorseOutlastsItsOpenTime() {
    Harness h = new Harness();
    h.live(0.95);
    h.hold(0.85, Duration.ofSeconds(60));
    assertThat(h.state()).as("memory still calls for DEGRADED: no probing").isEqualTo(OPEN);
    assertThat(h.events).hasSize(1);
  }

  @Test
  void rampEndsInWarningWhenPressureIsNotYetBelowRecover() {
    Harness h = new Harness();
    h.live(0.95);
    h.hold(0.68, Duration.ofMillis(5050));
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    h.hold(0.68, Duration.ofMillis(10_050));
    assertThat(h.state()).isEqualTo(WARNING);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RAMP_COMPLETE);
    h.hold(0.60, Duration.ofMillis(300));
    assertThat(h.state()).isEqualTo(HEALTHY);
  }

  @Test
  void relapseInHalfOpenDoublesTheOpenTimeUpToTheCapAndFullRecoveryResetsIt() {
    BreakerConfig config =
        Harness.crisp().openMin(Duration.ofSeconds(5)).openMax(Duration.ofSeconds(12)).build();
    Harness h = new Harness(config);
    h.live(0.95);
    long openedAt = h.ticker.read();
    assertThat(h.breaker.status().openUntilNanos() - openedAt)
        .isEqualTo(Duration.ofSeconds(5).toNanos());
    h.hold(0.68, Duration.ofMillis(5000));
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    h.live(0.85); // pressure back at degraded
    assertThat(h.state()).isEqualTo(OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RELAPSE);
    assertThat(h.breaker.status().openUntilNanos() - h.ticker.read())
        .isEqualTo(Duration.ofSeconds(10).toNanos());
    h.hold(0.68, Duration.ofMillis(10_000));
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    h.live(0.95);
    // 20 s would exceed open_max: capped at 12 s.
    assertThat(h.breaker.status().openUntilNanos() - h.ticker.read())
        .isEqualTo(Duration.ofSeconds(12).toNanos());
    h.hold(0.68, Duration.ofMillis(12_000));
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    h.hold(0.30, Duration.ofMillis(300));
    assertThat(h.state()).isEqualTo(HEALTHY);
    // After a full recovery the next OPEN lasts open_min again.
    h.live(0.95);
    assertThat(h.breaker.status().openUntilNanos() - h.ticker.read())
        .isEqualTo(Duration.ofSeconds(5).toNanos());
  }

  @Test
  void leavingALevelNeedsRecoverSamplesInARowBelowRecover() {
    Harness h = new Harness();
    h.live(0.85);
    assertThat(h.state()).isEqualTo(DEGRADED);
    h.live(0.60).live(0.60).live(0.60).live(0.60); // four below recover
    assertThat(h.state()).isEqualTo(DEGRADED);
    h.live(0.66); // one above recover resets the count
    h.live(0.60).live(0.60).live(0.60).live(0.60);
    assertThat(h.state()).isEqualTo(DEGRADED);
    h.live(0.60); // the fifth in a row
    assertThat(h.state()).isEqualTo(HEALTHY);
    assertThat(h.lastEvent().from()).isEqualTo(DEGRADED);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.RECOVERED);
  }

  @Test
  void aPressureOscillatingAroundAWatermarkMovesTheBreakerOnce() {
    Harness h = new Harness();
    for (int i = 0; i < 400; i++) {
      h.live(i % 2 == 0 ? 0.69 : 0.71);
    }
    assertThat(h.events).hasSize(1);
    assertThat(h.state()).isEqualTo(WARNING);
    for (int i = 0; i < 400; i++) {
      h.live(i % 2 == 0 ? 0.64 : 0.66); // around recover: never five in a row below
    }
    assertThat(h.events).hasSize(1);
    for (int i = 0; i < 400; i++) {
      h.live(i % 2 == 0 ? 0.79 : 0.81);
    }
    assertThat(h.events).hasSize(2);
    assertThat(h.state()).isEqualTo(DEGRADED);
  }

  @Test
  void theDrivingDimensionIsTheHighestAndUnavailableOnesAreIgnored() {
    Harness h = new Harness();
    h.direct.setPressure(0.82);
    h.live(0.30);
    assertThat(h.state()).isEqualTo(DEGRADED);
    assertThat(h.breaker.status().drivingDimension()).isEqualTo(Dimension.DIRECT);
    h.direct.unavailable();
    h.live(0.40);
    assertThat(h.breaker.status().drivingDimension()).isEqualTo(Dimension.HEAP_LIVE);
    assertThat(h.breaker.status().signal(Dimension.DIRECT).available()).isFalse();
  }

  @Test
  void rawHeapUsedAloneNeverSetsALevel() {
    Harness h = new Harness();
    for (int i = 0; i < 100; i++) {
      h.used.setPressure(i % 2 == 0 ? 0.99 : 0.40); // the sawtooth, every sample a new GC
      h.live(0.20);
    }
    assertThat(h.events).isEmpty();
  }

  @Test
  void rawHeapAtTheEmergencyWatermarkAcrossCollectionsOpens() {
    Harness h = new Harness();
    h.used.setPressure(0.98);
    h.live(0.50); // collection 1
    h.tick(); // no collection: nothing yet
    assertThat(h.state()).isEqualTo(HEALTHY);
    h.live(0.50); // collection 2: still at 98 %
    assertThat(h.state()).isEqualTo(HEALTHY);
    h.live(0.50); // collection 3: two collections have not freed it
    assertThat(h.state()).isEqualTo(OPEN);
    assertThat(h.lastEvent().cause()).isEqualTo(Cause.EMERGENCY);
  }

  @Test
  void aStaleLiveSetNeitherEndsOpenNorSendsHalfOpenBack() {
    Harness h = new Harness();
    h.live(0.95);
    // No collection during OPEN: the live set repeats its old figure, which says nothing.
    for (int i = 0; i < 101; i++) {
      h.live.setStale(Math.round(0.30 * (1L << 30)));
      h.tick();
    }
    assertThat(h.state())
        .as("a low figure no collection measured does not end OPEN")
        .isEqualTo(OPEN);
    h.live(0.68); // measured: under warning, and the open time is up
    assertThat(h.state()).isEqualTo(HALF_OPEN);
    h.live(0.95);
    assertThat(h.state()).as("a fresh collection that finds 95 % live reopens").isEqualTo(OPEN);
  }

  @Test
  void aReadingThatKeepsCrossingWaitsLongerEachTimeSoItCannotFlap() {
    BreakerConfig config = Harness.crisp().recoverTime(Duration.ofMillis(500)).build();
    Harness h = new Harness(config);
    // Up to WARNING and back under recover, every 2 s for a minute: each recovery waits twice as
    // long as the one before while the rises come within 10 s of it.
    for (int i = 0; i < 30; i++) {
      h.live(0.72);
      h.hold(0.40, Duration.ofMillis(1950));
    }
    assertThat(h.events.size()).as("transitions in a minute of crossings").isLessThanOrEqualTo(10);
    // After 10 s quiet, back to the base recover time.
    h.hold(0.40, Duration.ofSeconds(20));
    assertThat(h.state()).isEqualTo(HEALTHY);
    h.hold(0.40, Duration.ofSeconds(11));
    h.live(0.72);
    h.hold(0.40, Duration.ofMillis(800));
    assertThat(h.state()).as("500 ms again after a calm spell").isEqualTo(HEALTHY);
  }

  @Test
  void theTableIsExactlyTheOneDocumentedAndRefusesEverythingElse() {
    // docs/breaker.md, "The legal transitions are data"
    java.util.Map<BreakerState, java.util.Set<BreakerState>> documented =
        java.util.Map.of(
            HEALTHY, java.util.Set.of(WARNING, DEGRADED, OPEN),
            WARNING, java.util.Set.of(HEALTHY, DEGRADED, OPEN),
            DEGRADED, java.util.Set.of(HEALTHY, OPEN),
            OPEN, java.util.Set.of(HALF_OPEN),
            HALF_OPEN, java.util.Set.of(OPEN, HEALTHY, WARNING));
    for (BreakerState from : BreakerState.values()) {
      for (BreakerState to : BreakerState.values()) {
        boolean legal = documented.get(from).contains(to);
        assertThat(TransitionTable.isLegal(from, to)).as("%s -> %s", from, to).isEqualTo(legal);
        if (!legal) {
          assertThatThrownBy(() -> TransitionTable.check(from, to))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining(from + " -> " + to);
        }
      }
    }
  }

  @Test
  void eventsCarryTheSnapshotAndThresholdsAndHistoryIsBounded() {
    Harness h =
        new Harness(Harness.crisp().transitionHistory(3).openMin(Duration.ofMillis(100)).build());
    h.live(0.75).live(0.85).live(0.95);
    TransitionEvent e = h.lastEvent();
    assertThat(e.from()).isEqualTo(DEGRADED);
    assertThat(e.to()).isEqualTo(OPEN);
    assertThat(e.thresholds().open()).isEqualTo(0.90);
    assertThat(e.signals())
        .extracting(s -> s.dimension())
        .contains(Dimension.HEAP_LIVE, Dimension.HEAP_USED);
    assertThat(e.at()).isNotNull();
    h.hold(0.68, Duration.ofMillis(150)); // open time up, under warning: HALF_OPEN
    assertThat(h.events).hasSizeGreaterThan(3);
    assertThat(h.breaker.recentTransitions()).hasSize(3);
    assertThat(h.breaker.recentTransitions().get(2)).isEqualTo(h.lastEvent());
  }

  @Test
  void aThrowingListenerDoesNotStopTheOthersNorTheBreaker() {
    Harness h = new Harness();
    int[] seen = new int[1];
    h.breaker.addListener(
        e -> {
          throw new IllegalStateException("listener bug");
        });
    h.breaker.addListener(e -> seen[0]++);
    h.live(0.75).live(0.85);
    assertThat(h.state()).isEqualTo(DEGRADED);
    assertThat(seen[0]).isEqualTo(2);
    assertThat(h.breaker.listenerFailures()).isEqualTo(2);
  }

  @Test
  void aConfigUpdateAppliesAtTheNextSample() {
    Harness h = new Harness();
    h.live(0.72);
    assertThat(h.state()).isEqualTo(WARNING);
    h.breaker.updateConfig(h.config.toBuilder().warning(0.74).degraded(0.75).build());
    h.live(0.76);
    assertThat(h.state()).isEqualTo(DEGRADED);
    assertThat(h.lastEvent().thresholds().degraded()).isEqualTo(0.75);
  }

  @Test
  void decisionsNameTheStateOfTheirStatus() {
    Harness h = new Harness();
    h.live(0.95);
    assertThat(h.decide(Priority.DEFAULT)).isEqualTo(Decision.SHED);
    assertThat(h.breaker.admission().status().state()).isEqualTo(OPEN);
    assertThat(h.breaker.admission().status().drivingDimension()).isEqualTo(Dimension.HEAP_LIVE);
  }
}
