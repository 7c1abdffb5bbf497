package dev.membreaker.breaker;

/**
 * Told of every transition, override change and config change, after the state has changed. By
 * default on the breaker's listener thread (never the sampler's, never a caller's): a slow listener
 * delays only later events, never the breaker, whose queue of pending events is bounded (events
 * beyond it are dropped and counted). An executor given to {@link
 * MemoryBreaker.Builder#listenerExecutor} decides instead: {@code Runnable::run}, as tests use,
 * runs listeners on the thread that sampled, while it holds the breaker's sample lock, so such a
 * listener must not block or call back into the breaker's sampling. A listener that throws is
 * logged and the others still run.
 */
public interface TransitionListener {

  /** A state change. */
  void onTransition(TransitionEvent event);

  /** An override change. The default ignores it. */
  default void onOverrideChange(OverrideChange change) {}

  /** A config change. The default ignores it. */
  default void onConfigChange(ConfigChange change) {}
}
