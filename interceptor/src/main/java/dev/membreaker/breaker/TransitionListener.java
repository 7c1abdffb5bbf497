package dev.membreaker.breaker;

/**
 * Told of every transition, override change and config change, after the state has changed, on the breaker's
 * listener thread (never the sampler's, never a caller's). A listener that throws is logged and
 * the others still run; a slow one delays only later events, never the breaker, whose queue of
 * pending events is bounded (events beyond it are dropped and counted).
 */
public interface TransitionListener {

  /** A state change. */
  void onTransition(TransitionEvent event);

  /** An override change. The default ignores it. */
  default void onOverrideChange(OverrideChange change) {}

  /** A config change. The default ignores it. */
  default void onConfigChange(ConfigChange change) {}
}
