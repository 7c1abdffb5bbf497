package dev.membreaker.breaker;

import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What candidate thresholds would have done over the breaker's recent samples: the transitions,
 * the time in each state and the share of calls of each priority that would have been shed.
 * Memory only: the outcome breaker's verdicts depend on calls, which are not replayed. Immutable.
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
