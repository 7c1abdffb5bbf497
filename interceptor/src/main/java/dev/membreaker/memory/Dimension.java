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
  CONTAINER_PSI("container_psi", true);

  private final String id;
  private final boolean drivesLevels;

  Dimension(String id, boolean drivesLevels) {
    this.id = id;
    this.drivesLevels = drivesLevels;
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
