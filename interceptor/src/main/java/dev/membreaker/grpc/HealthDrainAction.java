package dev.membreaker.grpc;

import dev.membreaker.actions.DegradationAction;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Opt-in readiness drain: when the breaker has been OPEN for a dwell time (plus a random jitter),
 * the configured services go NOT_SERVING in {@code grpc.health.v1}, so Kubernetes readiness and
 * load balancers send this replica nothing; when the breaker leaves OPEN they go SERVING again
 * (HALF_OPEN's slow start then lets traffic back gradually). The dwell and jitter keep a fleet that
 * meets a surge together from draining all at once, which would be an outage. Needs grpc-services
 * on the class path.
 */
public final class HealthDrainAction implements DegradationAction {

  private final MemoryBreaker breaker;
  private final HealthStatusManager health;
  private final List<String> services;
  private final long dwellNanos;
  private final long jitterNanos;
  private final ScheduledExecutorService scheduler;
  private volatile long openedEpoch;

  private HealthDrainAction(
      MemoryBreaker breaker,
      HealthStatusManager health,
      List<String> services,
      Duration dwell,
      Duration jitter,
      ScheduledExecutorService scheduler) {
    this.breaker = Objects.requireNonNull(breaker, "breaker");
    this.health = Objects.requireNonNull(health, "health");
    this.services = List.copyOf(services);
    if (dwell.isNegative() || jitter.isNegative()) {
      throw new IllegalArgumentException(
          "health drain dwell and jitter must not be negative, were " + dwell + " and " + jitter);
    }
    this.dwellNanos = dwell.toNanos();
    this.jitterNanos = jitter.toNanos();
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
  }

  /**
   * Drains {@code services} ("" is the whole server) once OPEN has lasted {@code dwell} plus up to
   * {@code jitter}; {@code scheduler} times it.
   */
  public static HealthDrainAction of(
      MemoryBreaker breaker,
      HealthStatusManager health,
      List<String> services,
      Duration dwell,
      Duration jitter,
      ScheduledExecutorService scheduler) {
    return new HealthDrainAction(breaker, health, services, dwell, jitter, scheduler);
  }

  @Override
  public String name() {
    return "health_drain";
  }

  @Override
  public synchronized void onLevelChange(BreakerState from, BreakerState to, BreakerStatus status) {
    if (to == BreakerState.OPEN) {
      long epoch = ++openedEpoch;
      long delay =
          dwellNanos
              + (jitterNanos > 0 ? ThreadLocalRandom.current().nextLong(jitterNanos + 1) : 0);
      scheduler.schedule(() -> drainIfStillOpen(epoch), delay, TimeUnit.NANOSECONDS);
    } else if (from == BreakerState.OPEN) {
      openedEpoch++;
      setAll(ServingStatus.SERVING);
    }
  }

  private synchronized void drainIfStillOpen(long epoch) {
    if (epoch == openedEpoch && breaker.status().state() == BreakerState.OPEN) {
      setAll(ServingStatus.NOT_SERVING);
    }
  }

  private void setAll(ServingStatus status) {
    for (String service : services) {
      health.setStatus(service, status);
    }
  }
}
