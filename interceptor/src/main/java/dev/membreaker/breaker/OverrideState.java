package dev.membreaker.breaker;

/** The override in force, with its reason and expiry (0 = never). Immutable. */
record OverrideState(OverrideMode mode, String reason, long expiresAtNanos) {

  static final OverrideState NONE = new OverrideState(OverrideMode.NONE, "", 0);
}
