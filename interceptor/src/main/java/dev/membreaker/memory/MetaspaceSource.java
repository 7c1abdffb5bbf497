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
    this.pool = found;
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
