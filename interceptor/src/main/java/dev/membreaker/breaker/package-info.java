/**
 * The breaker: config, the five-state machine with its transition table, the published {@link
 * dev.membreaker.breaker.Admission} and transition events. Depends on nothing outside the JDK and
 * the memory, signal and policy packages.
 */
package dev.membreaker.breaker;
