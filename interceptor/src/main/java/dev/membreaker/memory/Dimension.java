package dev.membreaker.memory;

/**
 * A kind of memory the breaker watches. Each dimension yields a pressure in [0, 1] (used / limit);
 * the breaker's pressure is the highest of the enabled dimensions that count towards levels.
 */
public enum Dimension {
  /** Heap occupancy after the most recent collection of each pool: the live set. Drives levels. */
  HEAP_LIVE("heap_live", true),
  /** Raw heap used, garbage included. Counts only towards the emergency level. */
  HEAP_USED("heap_used", false),
  /** Direct (off-heap) buffer memory: the JDK "direct" pool plus Netty's own counter. */
  DIRECT("direct", true),
  /** The container's working set against its cgroup memory limit. */
  CONTAINER("container", true),
  /** Metaspace, when {@code -XX:MaxMetaspaceSize} gives it a limit. */
  METASPACE("metaspace", true),
  /** cgroup v2 memory pressure stall information: the "some avg10" share of time stalled. */
  CONTAINER_PSI("container_psi", true),
  /**
   * Bytes in flight against their budget: request bytes received and not yet handed to the
   * application, and response bytes queued for clients, counted by the interceptor's stream tracer
   * as they move (see {@code dev.membreaker.breaker.InFlightBytes}). Drives levels up to DEGRADED,
   * never to OPEN: these bytes leave in milliseconds, so OPEN's minimum time and HALF_OPEN's ramp
   * would shed for seconds what a moment caused; the account itself refuses calls at its limits
   * (DEFAULT ones from {@code open} × budget) for as long as it is there.
   */
  IN_FLIGHT("in_flight", true, false);

  private final String id;
  private final boolean drivesLevels;
  private final boolean opens;

  Dimension(String id, boolean drivesLevels) {
    this(id, drivesLevels, drivesLevels);
  }

  Dimension(String id, boolean drivesLevels, boolean opens) {
    this.id = id;
    this.drivesLevels = drivesLevels;
    this.opens = opens;
  }

  /**
   * Whether this dimension's pressure alone may take the breaker to OPEN (else at most DEGRADED).
   */
  public boolean opens() {
    return opens;
  }

  /** The stable lower-case name used in config files, metrics and the admin API. */
  public String id() {
    return id;
  }

  /** Whether this dimension's pressure counts towards the breaker's levels. */
  public boolean drivesLevels() {
    return drivesLevels;
  }

  /** Parses {@link #id()}; throws {@link IllegalArgumentException} naming the bad value. */
  public static Dimension fromId(String id) {
    for (Dimension d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown memory dimension '" + id + "'");
  }
}
