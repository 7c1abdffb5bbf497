package dev.membreaker.memory;

import dev.membreaker.time.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Factories of the built-in {@link MemorySource}s. {@link #jvm} gives the default set: heap live
 * set, raw heap used, direct buffers, metaspace, and, where a cgroup memory controller is found,
 * the container's working set and (cgroup v2) its pressure stall information, the last two read at
 * a slower cadence because a kernel file read costs far more than an MXBean call.
 */
public final class MemorySources {

  /** Where the container's cgroup is mounted inside the container. */
  public static final Path DEFAULT_CGROUP_ROOT = Path.of("/sys/fs/cgroup");

  private MemorySources() {}

  /** The default sources, with the cgroup at {@link #DEFAULT_CGROUP_ROOT}. */
  public static List<MemorySource> jvm(Ticker ticker, Duration cgroupReadInterval) {
    return jvm(ticker, cgroupReadInterval, DEFAULT_CGROUP_ROOT);
  }

  /** The default sources, with the cgroup tree at {@code cgroupRoot}. */
  public static List<MemorySource> jvm(
      Ticker ticker, Duration cgroupReadInterval, Path cgroupRoot) {
    Objects.requireNonNull(ticker, "ticker");
    long every = cgroupReadInterval.toNanos();
    List<MemorySource> sources = new ArrayList<>();
    sources.add(heapLiveSet(ticker));
    sources.add(heapUsed());
    sources.add(direct());
    sources.add(metaspace());
    sources.add(new ThrottledSource(container(cgroupRoot), every, ticker));
    sources.add(new ThrottledSource(pressureStall(cgroupRoot), every, ticker));
    return sources;
  }

  /** The heap live set from GC notifications, with the system ticker. */
  public static LiveSetSource heapLiveSet() {
    return heapLiveSet(Ticker.system());
  }

  /**
   * The heap live set from GC notifications: an anchor from marking collections, an upper bound
   * from every collection, and confirming collections on request (see {@link LiveSetEvidence}).
   */
  public static LiveSetSource heapLiveSet(Ticker ticker) {
    return new HeapLiveSetSource(Objects.requireNonNull(ticker, "ticker"));
  }

  /** Raw heap used, for the emergency level. */
  public static MemorySource heapUsed() {
    return new HeapUsedSource();
  }

  /** Direct buffer memory: the JDK pool plus Netty's counter where it tracks one. */
  public static MemorySource direct() {
    return new DirectMemorySource();
  }

  /**
   * The maximum direct memory, what a share-given in-flight budget is a share of: Netty's own limit
   * where it allocates without a cleaner, else the JDK's {@code -XX:MaxDirectMemorySize} (whose
   * default is the maximum heap size).
   */
  public static long maxDirectMemory() {
    return DirectMemorySource.maxDirectMemory();
  }

  /** Metaspace, available only with {@code -XX:MaxMetaspaceSize}. */
  public static MemorySource metaspace() {
    return new MetaspaceSource();
  }

  /** The container's working set from the cgroup (v1 or v2) tree at {@code root}. */
  public static MemorySource container(Path root) {
    return CgroupMemorySource.detect(root);
  }

  /** cgroup v2 memory pressure stall information at {@code root}. */
  public static MemorySource pressureStall(Path root) {
    return new PressureStallSource(root);
  }
}
