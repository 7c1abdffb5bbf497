package dev.membreaker.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * cgroup v2 memory pressure stall information: the "some avg10" figure of {@code memory.pressure},
 * the share of the last 10 seconds in which some task waited for memory. Reported as used =
 * hundredths of a percent against a limit of 10,000, so its pressure is the stalled share in [0,
 * 1]. Unavailable without cgroup v2 PSI; a read failure switches it off with one log line.
 */
final class PressureStallSource implements MemorySource {

  private static final System.Logger LOG = System.getLogger(PressureStallSource.class.getName());
  static final long FULL_SCALE = 100 * 100;

  private final CgroupFile file;
  private boolean off;

  PressureStallSource(Path cgroupRoot) {
    Path path = cgroupRoot.resolve("memory.pressure");
    this.file = new CgroupFile(path, 512);
    this.off = !Files.isReadable(path);
  }

  @Override
  public Dimension dimension() {
    return Dimension.CONTAINER_PSI;
  }

  @Override
  public MemoryReading read() {
    if (off) {
      return MemoryReading.unavailable();
    }
    try {
      long avg10 = file.readPsiAvg10("some");
      if (avg10 < 0) {
        throw new IOException("no 'some avg10=' line in " + file.path());
      }
      return MemoryReading.of(avg10, FULL_SCALE);
    } catch (IOException | RuntimeException e) {
      off = true;
      file.close();
      LOG.log(
          System.Logger.Level.WARNING,
          "membreaker: can't read memory pressure stall information ("
              + e.getMessage()
              + "); the container_psi dimension is off");
      return MemoryReading.unavailable();
    }
  }

  @Override
  public void close() {
    file.close();
  }
}
