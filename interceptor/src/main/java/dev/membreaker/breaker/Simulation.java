package dev.membreaker.breaker;

import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What candidate thresholds would have done over the breaker's recent samples: the transitions, the
 * time in each state and the share of calls of each priority that would have been shed. Readings
 * only: not the calls (the outcome breaker's verdicts, and the demand by which OPEN and HALF_OPEN
 * hold while a surge is still on), and not the live set's evidence (what each figure rests on, and
 * so the holds that wait for a confirming collection): every figure is judged as measured, so a
 * replay may leave OPEN sooner than the breaker did. Immutable.
 *
 * @param samples samples replayed
 * @param span time the samples cover
 * @param transitions the transitions the candidate would have made
 * @param timeInState time spent in each state
 * @param shedShare by priority, the share of calls that would have been shed (mean over samples)
 */
public record Simulation(
    int samples,
    Duration span,
    List<TransitionEvent> transitions,
    Map<BreakerState, Duration> timeInState,
    Map<Priority, Double> shedShare) {}
