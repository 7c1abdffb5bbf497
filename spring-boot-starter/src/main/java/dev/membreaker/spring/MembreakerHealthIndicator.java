package dev.membreaker.spring;

import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.breaker.MemoryBreaker;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The breaker in {@code /actuator/health} as the component {@code membreaker}: its state, why it is
 * in it, the pressure and the dimension that drives it, and any operator override. The status is UP
 * in every state, OPEN included: an open breaker is the server protecting itself, not a failure,
 * and a status that went DOWN or OUT_OF_SERVICE with it would have Kubernetes restart or drain
 * every replica that meets the same surge at once. To drain a replica that stays OPEN, use
 * membreaker's {@code HealthDrainAction}, which waits and jitters (docs/kubernetes.md).
 */
final class MembreakerHealthIndicator implements HealthIndicator {

  private final MemoryBreaker breaker;

  MembreakerHealthIndicator(MemoryBreaker breaker) {
    this.breaker = breaker;
  }

  @Override
  public Health health() {
    BreakerStatus s = breaker.status();
    Health.Builder b =
        Health.up()
            .withDetail("state", s.state().name())
            .withDetail("pressure", s.pressure())
            .withDetail("since", s.since().toString())
            .withDetail("override", s.override().name());
    if (s.cause() != null) {
      b.withDetail("cause", s.cause().name());
    }
    if (s.drivingDimension() != null) {
      b.withDetail("drivingDimension", s.drivingDimension().id());
    }
    return b.build();
  }
}
