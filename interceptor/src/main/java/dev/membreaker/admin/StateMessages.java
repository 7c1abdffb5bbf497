package dev.membreaker.admin;

import com.google.protobuf.Timestamp;
import dev.membreaker.admin.v1.CallCount;
import dev.membreaker.admin.v1.Override;
import dev.membreaker.admin.v1.SamplerHealth;
import dev.membreaker.admin.v1.State;
import dev.membreaker.admin.v1.Transition;
import dev.membreaker.admin.v1.Watermarks;
import dev.membreaker.breaker.Admission;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideMode;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.grpc.ShedCounters;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.policy.Priority;
import dev.membreaker.signal.SignalReading;
import java.time.Clock;
import java.time.Instant;

/** The breaker's state, transitions and enums in their protobuf form. */
final class StateMessages {

  private StateMessages() {}

  static dev.membreaker.admin.v1.BreakerState state(
      MemoryBreaker breaker,
      ShedCounters counters,
      java.util.function.IntFunction<ShedCounters> cohortCounters,
      Clock clock) {
    Admission snapshot = breaker.admission(); // one publication: status, config and version agree
    BreakerStatus s = snapshot.status();
    BreakerConfig c = snapshot.config();
    dev.membreaker.admin.v1.BreakerState.Builder b =
        dev.membreaker.admin.v1.BreakerState.newBuilder()
            .setState(state(s.state()))
            .setCause(s.cause() == null ? "" : s.cause().name())
            .setSince(timestamp(s.since()))
            .setOverride(override(s.override()))
            .setOverrideReason(s.overrideReason())
            .setDrivingDimension(s.drivingDimension() == null ? "" : s.drivingDimension().id())
            .setPressure(s.pressure())
            .setWatermarks(watermarks(c))
            .setTransitions(s.transitions())
            .setSamplerHealth(SamplerHealth.valueOf(s.samplerHealth().name()))
            .setLastConfigError(snapshot.lastConfigError())
            .setConfigVersion(s.configVersion())
            .setSequence(s.sequence());
    LiveSetEvidence e = s.liveSet();
    if (e != null) {
      long pause = e.lastConfirmationPauseNanos();
      b.setLiveSet(
          dev.membreaker.admin.v1.LiveSet.newBuilder()
              .setCollector(e.collector().displayName())
              .setUpperBytes(e.upper())
              .setUnseenBytes(e.unseen())
              .setUpperLimitBytes(e.upperLimit())
              .setConcurrentConfirmation(e.concurrentConfirmation())
              .setAnchorBytes(e.anchor())
              .setAnchors(e.anchorEpoch())
              .setDeadShare(e.deadShare())
              .setConfirmations(e.confirmations())
              .setLastConfirmationPause(
                  com.google.protobuf.Duration.newBuilder()
                      .setSeconds(pause / 1_000_000_000L)
                      .setNanos((int) (pause % 1_000_000_000L)))
              .setCanConfirm(e.canConfirm()));
    }
    if (s.overrideExpiresAtNanos() != 0) {
      long left = s.overrideExpiresAtNanos() - breaker.ticker().read();
      b.setOverrideExpiresAt(timestamp(clock.instant().plusNanos(Math.max(0, left))));
    }
    for (SignalReading r : s.signals()) {
      b.addDimensions(
          dev.membreaker.admin.v1.Dimension.newBuilder()
              .setName(r.dimension().id())
              .setAvailable(r.available())
              .setUsed(r.used())
              .setLimit(r.limit())
              .setPressure(r.pressure())
              .setEwma(r.smoothedPressure())
              .setGrowthBytesPerSecond(r.growthBytesPerSecond())
              .setGrowthP95(r.growthP95())
              .setGrowthP99(r.growthP99())
              .setSecondsToExhaustion(
                  Double.isInfinite(r.secondsToExhaustion()) ? -1 : r.secondsToExhaustion()));
    }
    for (int i = 1; i <= breaker.cohorts().size(); i++) {
      dev.membreaker.breaker.Cohort cohort = breaker.cohorts().get(i - 1);
      BreakerStatus cs = snapshot.cohort(i).status();
      dev.membreaker.admin.v1.CohortState.Builder cb =
          dev.membreaker.admin.v1.CohortState.newBuilder()
              .setName(cohort.name())
              .setShare(cohort.share())
              .setState(state(cs.state()))
              .setPressure(cs.pressure())
              .setWatermarks(watermarks(cohort.config()));
      if (cohortCounters != null) {
        addCalls(cohortCounters.apply(i), cb::addCalls);
      }
      b.addCohorts(cb);
    }
    if (counters != null) {
      addCalls(counters, b::addCalls);
    }
    return b.build();
  }

  private static void addCalls(ShedCounters counters, java.util.function.Consumer<CallCount> add) {
    {
      for (BreakerState st : BreakerState.values()) {
        for (Priority p : Priority.values()) {
          long admitted = counters.count(ShedCounters.Kind.ADMITTED, st, p);
          long shed = counters.count(ShedCounters.Kind.SHED, st, p);
          long wouldShed = counters.count(ShedCounters.Kind.WOULD_SHED, st, p);
          if (admitted + shed + wouldShed > 0) {
            add.accept(
                CallCount.newBuilder()
                    .setState(state(st))
                    .setPriority(priority(p))
                    .setAdmitted(admitted)
                    .setShed(shed)
                    .setWouldShed(wouldShed)
                    .build());
          }
        }
      }
    }
  }

  static Transition transition(TransitionEvent e) {
    Transition.Builder b =
        Transition.newBuilder()
            .setFrom(state(e.from()))
            .setTo(state(e.to()))
            .setCause(e.cause().name())
            .setAt(timestamp(e.at()))
            .setDrivingDimension(e.drivingDimension() == null ? "" : e.drivingDimension().id())
            .setPressure(e.pressure())
            .setOverride(override(e.override()))
            .setWatermarks(watermarks(e.thresholds()));
    for (SignalReading r : e.signals()) {
      if (r.available()) {
        b.putPressures(r.dimension().id(), r.pressure());
      }
    }
    return b.build();
  }

  static Watermarks watermarks(BreakerConfig c) {
    return Watermarks.newBuilder()
        .setWarning(c.warning())
        .setDegraded(c.degraded())
        .setOpen(c.open())
        .setRecover(c.recover())
        .setEmergency(c.emergency())
        .setCriticalCap(c.criticalCap())
        .build();
  }

  static State state(BreakerState s) {
    return State.valueOf(s.name());
  }

  static Override override(OverrideMode m) {
    return Override.valueOf(m.name());
  }

  static dev.membreaker.admin.v1.Priority priority(Priority p) {
    return dev.membreaker.admin.v1.Priority.valueOf(p.name());
  }

  static Timestamp timestamp(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
