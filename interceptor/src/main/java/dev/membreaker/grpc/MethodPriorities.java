package dev.membreaker.grpc;

import dev.membreaker.policy.Priority;
import io.grpc.MethodDescriptor;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Which {@link Priority} each method has: exact full method names ({@code pkg.Service/Method}),
 * whole services ({@code pkg.Service/*}), and a default for the rest. An exact name wins over its
 * service. Immutable and thread-safe; built by {@link Builder}, which refuses malformed names.
 */
public final class MethodPriorities {

  private final Map<String, Priority> exact;
  private final Map<String, Priority> services;
  private final Priority fallback;

  private MethodPriorities(Builder b) {
    exact = Map.copyOf(b.exact);
    services = Map.copyOf(b.services);
    fallback = b.fallback;
  }

  /** Every method DEFAULT. */
  public static MethodPriorities allDefault() {
    return builder().build();
  }

  /** A builder whose default priority is DEFAULT. */
  public static Builder builder() {
    return new Builder();
  }

  /** The priority of a full method name. */
  public Priority of(String fullMethodName) {
    Priority p = exact.get(fullMethodName);
    if (p != null) {
      return p;
    }
    String service = MethodDescriptor.extractFullServiceName(fullMethodName);
    p = service == null ? null : services.get(service);
    return p != null ? p : fallback;
  }

  /** The priority for methods matched by nothing else. */
  public Priority defaultPriority() {
    return fallback;
  }

  /** Builds {@link MethodPriorities}. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Priority> exact = new HashMap<>();
    private final Map<String, Priority> services = new HashMap<>();
    private Priority fallback = Priority.DEFAULT;

    private Builder() {}

    /**
     * Gives a priority to {@code pattern}: an exact full method name {@code pkg.Service/Method} or
     * a whole service {@code pkg.Service/*}.
     */
    public Builder put(String pattern, Priority priority) {
      Objects.requireNonNull(priority, "priority");
      if (pattern == null) {
        throw new IllegalArgumentException(
            "method pattern must be pkg.Service/Method or pkg.Service/*, was null");
      }
      int slash = pattern.indexOf('/');
      if (slash <= 0
          || slash != pattern.lastIndexOf('/')
          || slash == pattern.length() - 1
          || pattern.contains(" ")) {
        throw new IllegalArgumentException(
            "method pattern must be pkg.Service/Method or pkg.Service/*, was '" + pattern + "'");
      }
      String method = pattern.substring(slash + 1);
      if (method.equals("*")) {
        services.put(pattern.substring(0, slash), priority);
      } else if (method.contains("*")) {
        throw new IllegalArgumentException(
            "method pattern may use * only as the whole method name, was '" + pattern + "'");
      } else {
        exact.put(pattern, priority);
      }
      return this;
    }

    /** The priority of methods matched by nothing else (default DEFAULT). */
    public Builder defaultPriority(Priority priority) {
      fallback = Objects.requireNonNull(priority, "priority");
      return this;
    }

    public MethodPriorities build() {
      return new MethodPriorities(this);
    }
  }
}
