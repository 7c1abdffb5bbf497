/** Injected time, so every part of the breaker can be tested with a fake clock. */
package dev.membreaker.time;
