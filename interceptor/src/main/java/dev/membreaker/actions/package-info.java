/**
 * Degradation actions: what to do, off the call path, when the breaker's level changes. JDK only;
 * the gRPC health drain lives in {@code dev.membreaker.grpc}.
 */
package dev.membreaker.actions;
