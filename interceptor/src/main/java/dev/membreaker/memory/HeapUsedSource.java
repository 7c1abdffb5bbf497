package dev.membreaker.memory;

/**
 * Raw heap used, garbage included. It rises with every allocation and falls at each collection,
 * so it never sets a level by itself; the breaker uses it only for the emergency level, when it
 * stays at the emergency watermark across collections. Reads {@link Runtime}, which neither locks
 * nor allocates.
 */
final class HeapUsedSource implements MemorySource {

  private final Runtime runtime = Runtime.getRuntime();

  @Override
  public Dimension dimension() {
    return Dimension.HEAP_USED;
  }

  @Override
  public MemoryReading read() {
    long used = runtime.totalMemory() - runtime.freeMemory();
    return MemoryReading.of(used, runtime.maxMemory());
  }
}
