package dev.membreaker.grpc;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.policy.Priority;
import java.util.concurrent.atomic.LongAdder;

/**
 * Calls admitted, shed and (under SHADOW) that would have been shed, by the breaker state they met
 * and their priority. Lock-free {@link LongAdder}s, allocation-free once warm. Thread-safe.
 */
public final class ShedCounters {

  /** What happened to a call. */
  public enum Kind {
    ADMITTED,
    SHED,
    WOULD_SHED
  }

  private static final int STATES = BreakerState.values().length;
  private static final int PRIORITIES = Priority.values().length;

  private final LongAdder[] adders = new LongAdder[Kind.values().length * STATES * PRIORITIES];

  ShedCounters() {
    for (int i = 0; i < adders.length; i++) {
      adders[i] = new LongAdder();
    }
  }

  void increment(Kind kind, BreakerState state, Priority priority) {
    adders[index(kind, state, priority)].increment();
  }

  private static int index(Kind kind, BreakerState state, Priority priority) {
    return (kind.ordinal() * STATES + state.ordinal()) * PRIORITIES + priority.ordinal();
  }

  /** Calls of this kind met in this state with this priority. */
  public long count(Kind kind, BreakerState state, Priority priority) {
    return adders[index(kind, state, priority)].sum();
  }

  /** Calls of this kind with this priority, in any state. */
  public long count(Kind kind, Priority priority) {
    long sum = 0;
    for (BreakerState s : BreakerState.values()) {
      sum += count(kind, s, priority);
    }
    return sum;
  }

  /** Counts of one method: admitted, shed and would-be-shed calls by priority. Thread-safe. */
  public static final class MethodCounts {
    private final LongAdder[] adders = new LongAdder[Kind.values().length * PRIORITIES];

    MethodCounts() {
      for (int i = 0; i < adders.length; i++) {
        adders[i] = new LongAdder();
      }
    }

    void increment(Kind kind, Priority priority) {
      adders[kind.ordinal() * PRIORITIES + priority.ordinal()].increment();
    }

    /** Calls of this kind and priority. */
    public long count(Kind kind, Priority priority) {
      return adders[kind.ordinal() * PRIORITIES + priority.ordinal()].sum();
    }
  }

  /** Calls of this kind, any state, any priority. */
  public long count(Kind kind) {
    long sum = 0;
    for (Priority p : Priority.values()) {
      sum += count(kind, p);
    }
    return sum;
  }
}
