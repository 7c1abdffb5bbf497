package dev.membreaker.config;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.membreaker.breaker.MemoryBreaker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Reloads the configuration file while the server runs, and survives the ways it changes.
 *
 * <p>Design. The JDK's {@link WatchService} watches the file's <em>directory</em> as given (never
 * its resolved real path), and any event there, or an {@code OVERFLOW}, triggers a re-read: not
 * just events named after the file. That is what catches a Kubernetes ConfigMap update, where the
 * kubelet writes a new timestamped directory and atomically renames a {@code ..data_tmp} symlink
 * over {@code ..data}, so the visible file (a symlink through {@code ..data}) changes without a
 * single event naming it; and also editors that save by rename, and a file deleted and recreated.
 * Reading follows the symlinks. A slow poll (every {@code pollInterval}) re-reads too, as a safety
 * net for missed events and for {@code subPath} mounts, which never change in place. A re-read
 * applies only when the content's SHA-256 differs from the last one seen, so the many events of one
 * update apply it once, and a bad file is reported once.
 *
 * <p>A valid new file replaces the breaker's config as a whole (admin changes made since the last
 * file are then gone: the file is the source of truth, and the admin service the fast path until it
 * changes). An invalid file is refused whole: the last good config stays, the error is logged once,
 * counted in {@link #errors()}, and shown by the admin {@code GetState} ({@link
 * MemoryBreaker#lastConfigError()}) until a good file arrives. A missing file leaves the last
 * config in force. Thread-safe; one daemon thread.
 */
public final class ConfigWatcher implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());

  private final Path file;
  private final Path dir;
  private final MemoryBreaker breaker;
  private final Consumer<ConfigFile> onApply;
  private final long pollNanos;
  private final WatchService watch;
  private final Thread thread;
  private final LongAdder errors = new LongAdder();
  private final LongAdder reloads = new LongAdder();
  private final AtomicReference<ConfigFile> current = new AtomicReference<>();

  @GuardedBy("this")
  private byte[] lastHash; // the content last read

  @GuardedBy("this")
  private byte[] appliedHash; // the content of the file in force

  @GuardedBy("this")
  private long missingSince = -1; // nanoTime when the file was first found gone

  @GuardedBy("this")
  private boolean missingReported;

  private volatile boolean running = true;

  private ConfigWatcher(
      Path file, MemoryBreaker breaker, Duration poll, Consumer<ConfigFile> onApply)
      throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.dir = this.file.getParent();
    this.breaker = breaker;
    this.onApply = onApply;
    this.pollNanos = poll.toNanos();
    this.watch = dir.getFileSystem().newWatchService();
    dir.register(
        watch,
        StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_DELETE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    this.thread = new Thread(this::run, "membreaker-config-watcher");
    this.thread.setDaemon(true);
  }

  /**
   * Loads {@code file} now (it must exist and be valid: a server should not start on a broken
   * config), applies it to {@code breaker}, and watches it from then on.
   *
   * @param poll the safety-net re-read interval (e.g. 1 s)
   * @param onApply told of each applied file (may be a no-op)
   */
  public static ConfigWatcher start(
      Path file, MemoryBreaker breaker, Duration poll, Consumer<ConfigFile> onApply)
      throws IOException {
    Objects.requireNonNull(breaker, "breaker");
    ConfigWatcher w = new ConfigWatcher(file, breaker, poll, onApply);
    ConfigFile first =
        ConfigFile.parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    synchronized (w) {
      w.lastHash = sha256(Files.readAllBytes(file));
      w.appliedHash = w.lastHash;
    }
    w.current.set(first);
    breaker.applyConfigFile(first.breaker());
    w.thread.start();
    return w;
  }

  /** The last file applied. */
  public ConfigFile current() {
    return current.get();
  }

  /** Files refused since start. */
  public long errors() {
    return errors.sum();
  }

  /** Files applied since start (the first one excluded). */
  public long reloads() {
    return reloads.sum();
  }

  private void run() {
    while (running) {
      try {
        WatchKey key = watch.poll(pollNanos, TimeUnit.NANOSECONDS);
        if (key != null) {
          key.pollEvents(); // which event does not matter: the content hash decides
          if (!key.reset()) {
            LOG.log(
                System.Logger.Level.WARNING,
                "membreaker: the config directory {0} can no longer be watched; polling only",
                dir);
          }
        }
        reloadIfChanged();
      } catch (ClosedWatchServiceException e) {
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "membreaker: config reload failed", e);
      }
    }
  }

  /** Re-reads the file and applies it if its content changed. Also called by the watcher thread. */
  public synchronized void reloadIfChanged() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
      missingSince = -1;
    } catch (NoSuchFileException e) {
      // Between a delete and a recreate, or mid-swap, for an instant: the next event or poll will
      // see it. Gone for longer than a poll (a ConfigMap key removed): said once, as an error.
      long now = System.nanoTime();
      if (missingSince < 0) {
        missingSince = now;
      } else if (!missingReported && now - missingSince >= pollNanos) {
        missingReported = true;
        lastHash = null; // whatever comes back is read anew
        errors.increment();
        breaker.reportConfigError(
            "the config file " + file + " is gone; the last config stays in force");
      }
      return;
    } catch (IOException e) {
      LOG.log(
          System.Logger.Level.DEBUG, "membreaker: can't read {0} yet: {1}", file, e.getMessage());
      return;
    }
    byte[] hash = sha256(bytes);
    if (Arrays.equals(hash, lastHash)) {
      return;
    }
    lastHash = hash;
    if (Arrays.equals(hash, appliedHash)) {
      // The file in force, back after a broken or missing moment (a file rewritten in place is
      // read empty first): nothing changed, so admin changes stay and the version does not move.
      if (missingReported || !breaker.lastConfigError().isEmpty()) {
        LOG.log(
            System.Logger.Level.INFO,
            "membreaker: the config file {0} is whole again, as in force",
            file);
      }
      missingReported = false;
      breaker.clearConfigError();
      return;
    }
    try {
      ConfigFile next =
          ConfigFile.parse(file.toString(), new String(bytes, StandardCharsets.UTF_8));
      breaker.applyConfigFile(next.breaker());
      appliedHash = hash;
      missingReported = false;
      current.set(next);
      reloads.increment();
      LOG.log(System.Logger.Level.INFO, "membreaker: applied the config file {0}", file);
      onApply.accept(next);
    } catch (ConfigException e) {
      errors.increment();
      breaker.reportConfigError(e.getMessage());
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      watch.close();
    } catch (IOException e) {
      // closing
    }
    thread.interrupt();
  }
}
