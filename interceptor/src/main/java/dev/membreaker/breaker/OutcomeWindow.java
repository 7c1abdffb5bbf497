package dev.membreaker.breaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last N call outcomes, recorded lock-free by any number of threads and judged by the sampler
 * (gobreaker semantics: failure rate over the window once it holds a minimum of calls, failures in
 * a row, slow-call ratio). Each record claims the next slot with one {@code getAndIncrement}, swaps
 * its outcome in, and adjusts the running counts by the difference between the new and the evicted
 * outcome, so the counts always equal the slots' contents once recorders are quiet. Recording
 * allocates nothing. A reset replaces the whole window (see {@code MemoryBreaker}).
 */
final class OutcomeWindow {

  private static final int RECORDED = 1;
  private static final int FAILED = 2;
  private static final int SLOW = 4;

  private final AtomicIntegerArray slots;
  private final AtomicLong cursor = new AtomicLong();
  private final AtomicInteger filled = new AtomicInteger();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger slow = new AtomicInteger();
  private final AtomicInteger consecutiveFailures = new AtomicInteger();

  OutcomeWindow(int size) {
    slots = new AtomicIntegerArray(size);
  }

  int size() {
    return slots.length();
  }

  void record(boolean failed, boolean slowCall) {
    int code = RECORDED | (failed ? FAILED : 0) | (slowCall ? SLOW : 0);
    int index = (int) (cursor.getAndIncrement() % slots.length());
    int old = slots.getAndSet(index, code);
    if (old == 0) {
      filled.incrementAndGet();
    }
    int failedDelta = bit(code, FAILED) - bit(old, FAILED);
    if (failedDelta != 0) {
      failures.addAndGet(failedDelta);
    }
    int slowDelta = bit(code, SLOW) - bit(old, SLOW);
    if (slowDelta != 0) {
      slow.addAndGet(slowDelta);
    }
    if (failed) {
      consecutiveFailures.incrementAndGet();
    } else if (consecutiveFailures.get() != 0) {
      consecutiveFailures.set(0);
    }
  }

  private static int bit(int code, int bit) {
    return (code & bit) != 0 ? 1 : 0;
  }

  int calls() {
    return filled.get();
  }

  int failures() {
    return failures.get();
  }

  int slowCalls() {
    return slow.get();
  }

  /** The outcome breaker's verdict under {@code config}: the cause to open for, or null. */
  Cause verdict(BreakerConfig config) {
    int n = filled.get();
    if (config.consecutiveFailures() > 0
        && consecutiveFailures.get() >= config.consecutiveFailures()) {
      return Cause.OUTCOME_CONSECUTIVE_FAILURES;
    }
    if (n < config.outcomeMinCalls()) {
      return null;
    }
    if ((double) failures.get() / n >= config.failureRateThreshold()) {
      return Cause.OUTCOME_FAILURE_RATE;
    }
    if (!config.slowCallThreshold().isZero()
        && (double) slow.get() / n >= config.slowCallRateThreshold()) {
      return Cause.OUTCOME_SLOW_CALLS;
    }
    return null;
  }

  /**
   * Whether the window is far from tripping under {@code config}: every measure under half its
   * threshold. The sampler may then poll slowly; nearer, it polls at its full rate so the outcome
   * breaker trips within one interval of the call that tips it.
   */
  boolean quiet(BreakerConfig config) {
    if (config.consecutiveFailures() > 0
        && 2 * consecutiveFailures.get() >= config.consecutiveFailures()) {
      return false;
    }
    int n = filled.get();
    if (2 * n < config.outcomeMinCalls()) {
      return true;
    }
    boolean failing = 2.0 * failures.get() / n >= config.failureRateThreshold();
    boolean slowing =
        !config.slowCallThreshold().isZero()
            && 2.0 * slow.get() / n >= config.slowCallRateThreshold();
    return !failing && !slowing;
  }
}
