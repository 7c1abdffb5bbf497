package dev.membreaker.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The container's memory: its working set against the cgroup memory limit, the same figure the
 * kubelet and the kernel's OOM killer weigh. Working set = usage minus inactive file pages (page
 * cache the kernel can drop), as the kubelet computes it. memory.stat, which the kernel computes
 * expensively, is read every {@value #STAT_EVERY}th read; inactive file pages move slowly.
 *
 * <p>cgroup v2: {@code memory.current}, {@code memory.max}, {@code memory.stat} ({@code
 * inactive_file}). cgroup v1: {@code memory.usage_in_bytes}, {@code memory.limit_in_bytes}, {@code
 * memory.stat} ({@code total_inactive_file}), under {@code <root>/memory/} or directly under the
 * root. "max", or a limit at or above 2^60 bytes (v1 writes 9223372036854771712), means no limit:
 * the reading is then unavailable, said once in the log, and taken up again if a limit appears
 * (Kubernetes can resize a pod in place). A file that can't be read switches the dimension off for
 * good with one log line; it never throws on a sample.
 */
final class CgroupMemorySource implements MemorySource {

  private static final System.Logger LOG = System.getLogger(CgroupMemorySource.class.getName());
  static final long UNLIMITED_AT = 1L << 60;

  /** Which cgroup version a tree holds. */
  enum Version {
    V1,
    V2,
    NONE
  }

  private final Version version;
  private final CgroupFile usage;
  private final CgroupFile limit;
  private final CgroupFile stat;
  private final String inactiveKey;
  private boolean off;
  private boolean saidUnlimited;
  private long inactive;
  private int readsSinceStat = STAT_EVERY;
  private int readsSinceLimit = LIMIT_EVERY;
  private long max;

  /** memory.stat costs the kernel far more than the one-number files: read it every 10th time. */
  static final int STAT_EVERY = 10;

  /**
   * The limit changes rarely (a resize, a limit set on a container that had none): every 10th read
   * (5 s at the default cgroup read interval), so that a read costs one file, not two.
   */
  static final int LIMIT_EVERY = 10;

  private CgroupMemorySource(Version version, Path dir) {
    this.version = version;
    if (version == Version.V2) {
      usage = new CgroupFile(dir.resolve("memory.current"), 64);
      limit = new CgroupFile(dir.resolve("memory.max"), 64);
      stat = new CgroupFile(dir.resolve("memory.stat"), 16 * 1024);
      inactiveKey = "inactive_file";
    } else {
      usage = new CgroupFile(dir.resolve("memory.usage_in_bytes"), 64);
      limit = new CgroupFile(dir.resolve("memory.limit_in_bytes"), 64);
      stat = new CgroupFile(dir.resolve("memory.stat"), 16 * 1024);
      inactiveKey = "total_inactive_file";
    }
    off = version == Version.NONE;
  }

  /** Finds the cgroup memory controller under {@code root} (normally {@code /sys/fs/cgroup}). */
  static CgroupMemorySource detect(Path root) {
    if (Files.isReadable(root.resolve("memory.current"))
        && Files.isReadable(root.resolve("memory.max"))) {
      return new CgroupMemorySource(Version.V2, root);
    }
    Path v1 = root.resolve("memory");
    if (Files.isReadable(v1.resolve("memory.usage_in_bytes"))) {
      return new CgroupMemorySource(Version.V1, v1);
    }
    if (Files.isReadable(root.resolve("memory.usage_in_bytes"))) {
      return new CgroupMemorySource(Version.V1, root);
    }
    LOG.log(
        System.Logger.Level.INFO,
        "membreaker: no cgroup memory controller under {0}; the container dimension is off",
        root);
    return new CgroupMemorySource(Version.NONE, root);
  }

  Version version() {
    return version;
  }

  @Override
  public Dimension dimension() {
    return Dimension.CONTAINER;
  }

  @Override
  public MemoryReading read() {
    if (off) {
      return MemoryReading.unavailable();
    }
    try {
      if (++readsSinceLimit >= LIMIT_EVERY) {
        readsSinceLimit = 0;
        max = limit.readLong();
      }
      if (max >= UNLIMITED_AT) {
        if (!saidUnlimited) {
          saidUnlimited = true;
          LOG.log(
              System.Logger.Level.INFO,
              "membreaker: the container has no memory limit ({0}); the container dimension"
                  + " is inactive until one is set",
              limit.path());
        }
        return MemoryReading.unavailable();
      }
      saidUnlimited = false;
      long used = usage.readLong();
      if (++readsSinceStat >= STAT_EVERY) {
        readsSinceStat = 0;
        inactive = stat.readKeyed(inactiveKey);
      }
      long workingSet = inactive > 0 && inactive < used ? used - inactive : used;
      return MemoryReading.of(workingSet, max);
    } catch (IOException | RuntimeException e) {
      off = true;
      close();
      LOG.log(
          System.Logger.Level.WARNING,
          "membreaker: can't read the cgroup memory files ("
              + e.getMessage()
              + "); the container dimension is off");
      return MemoryReading.unavailable();
    }
  }

  @Override
  public void close() {
    usage.close();
    limit.close();
    stat.close();
  }
}
