package dev.membreaker.breaker;

import java.time.Instant;

/**
 * A config replaced by a new one. Immutable.
 *
 * @param before the config before
 * @param after the config now
 * @param version the version of {@code after}
 * @param at wall-clock time of the change
 */
public record ConfigChange(BreakerConfig before, BreakerConfig after, long version, Instant at) {}
