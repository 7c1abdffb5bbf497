/** OpenTelemetry spans and metrics of the breaker, through the OpenTelemetry API only. */
package dev.membreaker.telemetry;
