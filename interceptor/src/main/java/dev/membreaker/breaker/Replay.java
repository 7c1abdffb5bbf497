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
      BreakerConfig candidate, long[] nanos, MemoryReading[][] readings, Instant wallNow, long tickerNow) {
    Map<BreakerState, Long> time = new EnumMap<>(BreakerState.class);
    Map<Priority, Double> shed = new EnumMap<>(Priority.class);
    for (Priority p : Priority.values()) {
      shed.put(p, 0.0);
    }
    List<TransitionEvent> transitions = new ArrayList<>();
    if (nanos.length == 0) {
      return new Simulation(0, Duration.ZERO, List.of(), Map.of(), shed);
    }
    StateMachine machine = new StateMachine(candidate, nanos[0]);
    for (int i = 0; i < nanos.length; i++) {
      StateMachine.Step step = machine.step(nanos[i], readings[i], null);
      Instant at = wallNow.minusNanos(tickerNow - nanos[i]);
      if (step != null) {
        transitions.add(new TransitionEvent(step.from(), step.to(), step.cause(), OverrideMode.NONE,
            machine.driving(), machine.pressure(), machine.signals(), candidate, nanos[i], at));
      }
      if (i + 1 < nanos.length) {
        time.merge(machine.state(), nanos[i + 1] - nanos[i], Long::sum);
      }
      BreakerStatus status = new BreakerStatus(machine.state(), machine.cause(), machine.enteredAt(), at,
          OverrideMode.NONE, "", 0, machine.driving(), machine.pressure(), machine.signals(),
          SamplerHealth.RUNNING, nanos[i], machine.transitions(), machine.openUntil(), machine.halfOpenShare());
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
    return new Simulation(nanos.length, Duration.ofNanos(nanos[nanos.length - 1] - nanos[0]),
        List.copyOf(transitions), timeInState, shed);
  }
}
