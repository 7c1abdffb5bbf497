package dev.membreaker.actions;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;

/**
 * Something to do when the breaker's level changes: trim a cache, shrink a pool, drain readiness,
 * dump the heap. Actions run on the breaker's listener thread, off every call path, after the state
 * has changed. One that throws is logged and counted by {@link DegradationActions} and never stops
 * the others. Implementations must be thread-safe if they are shared.
 */
public interface DegradationAction {

  /** A short name for logs and counters. */
  String name();

  /** The breaker went from {@code from} to {@code to}; {@code status} is what it knew then. */
  void onLevelChange(BreakerState from, BreakerState to, BreakerStatus status) throws Exception;
}
