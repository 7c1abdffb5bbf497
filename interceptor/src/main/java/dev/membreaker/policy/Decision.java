package dev.membreaker.policy;

/** What the breaker says of one call. */
public enum Decision {
  /** Run the call. */
  ADMIT,
  /** Refuse the call (the gRPC layer answers RESOURCE_EXHAUSTED). */
  SHED,
  /** SHADOW override: the call runs, but it would have been shed; count it as such. */
  WOULD_SHED;

  /** Whether the call runs. */
  public boolean admitted() {
    return this != SHED;
  }
}
