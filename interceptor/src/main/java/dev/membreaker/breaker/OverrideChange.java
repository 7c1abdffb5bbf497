package dev.membreaker.breaker;

import java.time.Instant;

/**
 * An operator override set, cleared or expired. Immutable.
 *
 * @param from the override before
 * @param to the override now
 * @param reason the reason given (for an expiry: "expired")
 * @param expiresAtNanos ticker time the new override clears itself, or 0
 * @param at wall-clock time of the change
 */
public record OverrideChange(
    OverrideMode from, OverrideMode to, String reason, long expiresAtNanos, Instant at) {}
