package dev.membreaker.breaker;

import dev.membreaker.memory.MemoryReading;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Replays recorded samples through a state machine of its own under candidate thresholds. */
final class Replay {

  private Replay() {}

  static Simulation run(
      BreakerConfig candidate,
      long[] nanos,
      MemoryReading[][] readings,
      Instant wallNow,
      long tickerNow) {
    Map<BreakerState, Long> time = new EnumMap<>(BreakerState.class);
    Map<Priority, Double> shed = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      shed.put(p, 0.0);
    }
    List<TransitionEvent> transitions = new ArrayList<>();
    if (nanos.length == 0) {
      return new Simulation(0, Duration.ZERO, List.of(), Map.of(), shed);
    }
    Instant first = wallNow.minusNanos(tickerNow - nanos[0]);
    Profile profile =
        new Profile(
            candidate, nanos[0], first, null); // no demand recorded: nothing held back for it
    Signals signals = new Signals(Signals.Settings.of(candidate));
    for (int i = 0; i < nanos.length; i++) {
      Instant at = wallNow.minusNanos(tickerNow - nanos[i]);
      signals.update(nanos[i], readings[i]);
      Judgement j = profile.evaluate(nanos[i], at, signals, null, null);
      BreakerStatus status =
          BreakerStatus.of(j, OverrideState.NONE, SamplerHealth.RUNNING, nanos[i], 0, i + 1);
      Judgement.Step step = j.step();
      if (step != null) {
        transitions.add(
            new TransitionEvent(
                step.from(),
                step.to(),
                step.cause(),
                OverrideMode.NONE,
                status.drivingDimension(),
                status.pressure(),
                status.signals(),
                candidate,
                nanos[i],
                at,
                null));
      }
      if (i + 1 < nanos.length) {
        time.merge(j.state(), nanos[i + 1] - nanos[i], Long::sum);
      }
      Admission admission = Admission.of(status, candidate);
      for (Priority p : Priority.values()) {
        shed.merge(p, 1 - admission.admitProbability(p), Double::sum);
      }
    }
    for (Priority p : Priority.values()) {
      shed.put(p, shed.get(p) / nanos.length);
    }
    Map<BreakerState, Duration> timeInState = new EnumMap<>(BreakerState.class);
    time.forEach((state, n) -> timeInState.put(state, Duration.ofNanos(n)));
    return new Simulation(
        nanos.length,
        Duration.ofNanos(nanos[nanos.length - 1] - nanos[0]),
        List.copyOf(transitions),
        timeInState,
        shed);
  }
}
