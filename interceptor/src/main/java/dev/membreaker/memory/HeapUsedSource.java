package dev.membreaker.memory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Raw heap used, garbage included. It rises with every allocation and falls at each collection, so
 * it never sets a level by itself; the breaker uses it only for the emergency level, when it stays
 * at the emergency watermark across collections. One {@link MemoryMXBean} call (one native call,
 * where {@code Runtime.totalMemory() - freeMemory()} makes two).
 */
final class HeapUsedSource implements MemorySource {

  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final long max = Runtime.getRuntime().maxMemory();

  @Override
  public Dimension dimension() {
    return Dimension.HEAP_USED;
  }

  @Override
  public MemoryReading read() {
    return MemoryReading.of(memory.getHeapMemoryUsage().getUsed(), max);
  }
}
