package dev.membreaker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup memory controller laid out in a directory, as the kernel shows it, for v1 or v2. Shipped
 * in the test-jar so users can test container-limit wiring on any machine.
 */
public final class FakeCgroupTree {

  /** Which cgroup version to lay out. */
  public enum Version {
    V1,
    V2
  }

  private final Path root;
  private final Version version;

  private FakeCgroupTree(Path root, Version version) {
    this.root = root;
    this.version = version;
  }

  /** Lays out a tree under {@code root} with the given usage, limit and inactive file bytes. */
  public static FakeCgroupTree create(
      Path root, Version version, long usage, String limit, long inactiveFile) {
    FakeCgroupTree tree = new FakeCgroupTree(root, version);
    tree.set(usage, limit, inactiveFile);
    return tree;
  }

  /** The root to hand to the source (what {@code /sys/fs/cgroup} is in a container). */
  public Path root() {
    return root;
  }

  /** The directory holding the memory files. */
  public Path memoryDir() {
    return version == Version.V2 ? root : root.resolve("memory");
  }

  /** Rewrites usage, limit ("max" or a number) and inactive file bytes. */
  public FakeCgroupTree set(long usage, String limit, long inactiveFile) {
    try {
      Path dir = memoryDir();
      Files.createDirectories(dir);
      if (version == Version.V2) {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu io memory pids\n");
        Files.writeString(dir.resolve("memory.current"), usage + "\n");
        Files.writeString(dir.resolve("memory.max"), limit + "\n");
        Files.writeString(
            dir.resolve("memory.stat"),
            "anon 1000\nfile 2000\nactive_file 100\ninactive_file " + inactiveFile + "\nslab 5\n");
      } else {
        Files.writeString(dir.resolve("memory.usage_in_bytes"), usage + "\n");
        Files.writeString(dir.resolve("memory.limit_in_bytes"), limit + "\n");
        Files.writeString(
            dir.resolve("memory.stat"),
            "cache 2000\nrss 1000\ninactive_file 1\ntotal_cache 2000\ntotal_inactive_file "
                + inactiveFile
                + "\ntotal_active_file 100\n");
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a memory.pressure file (cgroup v2 PSI) with the given "some avg10" percentage. */
  public FakeCgroupTree pressure(String someAvg10) {
    try {
      Files.writeString(
          root.resolve("memory.pressure"),
          "some avg10="
              + someAvg10
              + " avg60=0.00 avg300=0.00 total=12345\n"
              + "full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n");
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
