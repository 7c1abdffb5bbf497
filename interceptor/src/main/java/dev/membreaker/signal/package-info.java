/**
 * Smoothing and baselines: EWMA, sliding-window slope, growth-rate percentiles, time to exhaustion.
 */
package dev.membreaker.signal;
