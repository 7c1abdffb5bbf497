package dev.membreaker.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryUsage;

/**
 * Metaspace against {@code -XX:MaxMetaspaceSize}. Without that flag metaspace has no limit and this
 * dimension stays unavailable.
 */
final class MetaspaceSource implements MemorySource {

  private final MemoryPoolMXBean pool;

  MetaspaceSource() {
    MemoryPoolMXBean found = null;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if ("Metaspace".equals(p.getName())) {
        found = p;
      }
    }
    // MaxMetaspaceSize can't change at run time: without it, never read the pool again.
    this.pool = found != null && found.getUsage().getMax() > 0 ? found : null;
  }

  @Override
  public Dimension dimension() {
    return Dimension.METASPACE;
  }

  @Override
  public MemoryReading read() {
    if (pool == null) {
      return MemoryReading.unavailable();
    }
    MemoryUsage usage = pool.getUsage();
    return usage.getMax() > 0
        ? MemoryReading.of(usage.getUsed(), usage.getMax())
        : MemoryReading.unavailable();
  }
}
