package dev.membreaker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a mounted ConfigMap volume exactly as the kubelet's atomic writer does: a new timestamped
 * directory per update, a {@code ..data_tmp} symlink renamed over {@code ..data}, the visible file
 * a symlink through {@code ..data} made once, and the old directory removed. Shipped in the
 * test-jar so users can test their own reloaders against it.
 */
public final class FakeKubeletConfigMap {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.");

  private final Path volume;
  private final String key;

  public FakeKubeletConfigMap(Path volume, String key) {
    this.volume = volume;
    this.key = key;
  }

  /** The path an application reads: {@code <volume>/<key>}. */
  public Path visibleFile() {
    return volume.resolve(key);
  }

  /** Projects {@code content} as the kubelet would, the first time or as an update. */
  public void project(String content) {
    try {
      Path data = volume.resolve("..data");
      Path old = Files.isSymbolicLink(data) ? volume.resolve(Files.readSymbolicLink(data)) : null;
      if (old != null && Files.readString(old.resolve(key)).equals(content)) {
        return; // unchanged: the kubelet writes nothing
      }
      String name =
          ".."
              + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP)
              + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
      Path fresh = Files.createDirectory(volume.resolve(name));
      Files.setPosixFilePermissions(fresh, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path file = fresh.resolve(key);
      Files.writeString(file, content);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      Path tmp = volume.resolve("..data_tmp");
      Files.createSymbolicLink(tmp, Path.of(name));
      Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      Path visible = visibleFile();
      if (!Files.exists(visible, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(visible, Path.of("..data").resolve(key));
      }
      if (old != null) {
        try (Stream<Path> walk = Files.walk(old)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
