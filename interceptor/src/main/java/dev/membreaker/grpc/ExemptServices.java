package dev.membreaker.grpc;

import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The services the breaker never sheds, named in one place: gRPC health checking (so readiness
 * probes and load balancers see the truth), server reflection (so grpcurl and ghz keep working),
 * the breaker's own admin service (so operators can steer it while it sheds) and the out-of-band
 * ORCA load-report stream (so clients keep hearing about the pressure exactly while it is high).
 * Users add their own with {@link #plus(Predicate)}. Immutable and thread-safe.
 */
public final class ExemptServices {

  /** The services exempt always. */
  public static final Set<String> ALWAYS =
      Set.of(
          "grpc.health.v1.Health",
          "grpc.reflection.v1alpha.ServerReflection",
          "grpc.reflection.v1.ServerReflection",
          "membreaker.admin.v1.BreakerAdmin",
          "xds.service.orca.v3.OpenRcaService");

  private static final ExemptServices DEFAULTS = new ExemptServices(s -> false);

  private final Predicate<String> extra;

  private ExemptServices(Predicate<String> extra) {
    this.extra = extra;
  }

  /** Only the services that are exempt always. */
  public static ExemptServices defaults() {
    return DEFAULTS;
  }

  /** These exemptions plus every service (full service name) the predicate accepts. */
  public ExemptServices plus(Predicate<String> serviceName) {
    Objects.requireNonNull(serviceName, "serviceName");
    Predicate<String> before = extra;
    return new ExemptServices(s -> before.test(s) || serviceName.test(s));
  }

  /** Whether calls to this service (full name, e.g. {@code grpc.health.v1.Health}) are exempt. */
  public boolean isExempt(String fullServiceName) {
    return fullServiceName != null
        && (ALWAYS.contains(fullServiceName) || extra.test(fullServiceName));
  }
}
