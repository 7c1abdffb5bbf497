package dev.membreaker.breaker;

import java.time.Instant;

/**
 * One profile's judgement at one sample: the state after the sample, how it got there, and the
 * grade behind it. Immutable; {@link BreakerStatus} is built from it.
 *
 * @param state the state after this sample
 * @param cause why the profile entered {@code state} (null before the first transition)
 * @param enteredAtNanos ticker time the state was entered
 * @param since wall-clock time the state was entered
 * @param openUntilNanos ticker time OPEN ends (meaningful in OPEN)
 * @param transitions transitions since start
 * @param halfOpenShare the share of non-critical calls HALF_OPEN admits now (1 elsewhere)
 * @param grade what memory called for at this sample
 * @param step the transition this sample made, or null
 */
record Judgement(
    BreakerState state,
    Cause cause,
    long enteredAtNanos,
    Instant since,
    long openUntilNanos,
    long transitions,
    double halfOpenShare,
    Grade grade,
    Step step) {

  /** A transition made by one sample. */
  record Step(BreakerState from, BreakerState to, Cause cause) {}

  /** The judgement before any sample: HEALTHY since {@code now}. */
  static Judgement initial(long now, Instant wallNow) {
    return new Judgement(BreakerState.HEALTHY, null, now, wallNow, 0, 0, 1, Grade.NONE, null);
  }
}
