package dev.membreaker.breaker;

import java.util.Objects;

/**
 * A named threshold profile that a share of the traffic is judged by, to compare two threshold sets
 * live on one server: the breaker runs a state machine per cohort over the same memory readings,
 * and each call is admitted or shed by its cohort's state. Immutable.
 *
 * @param name the profile's name (e.g. {@code conservative}), for admin state and metrics
 * @param share the percentage of the buckets (0 to 100) that go to this cohort
 * @param config its thresholds (memory only: the outcome breaker is the default profile's)
 */
public record Cohort(String name, int share, BreakerConfig config) {

  public Cohort {
    Objects.requireNonNull(config, "config");
    if (name == null || name.isBlank() || name.equals(DEFAULT_NAME)) {
      throw new IllegalArgumentException(
          "cohort name must be set and not '" + DEFAULT_NAME + "', was '" + name + "'");
    }
    if (share < 0 || share > 100) {
      throw new IllegalArgumentException(
          "cohort " + name + ": share must be in [0, 100], was " + share);
    }
  }

  /** The name of the profile that calls outside every cohort are judged by. */
  public static final String DEFAULT_NAME = "default";
}
