package dev.membreaker.actions;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.BreakerStatus;
import dev.membreaker.time.Ticker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Writes one heap dump (live objects only) when the breaker opens, at most once per {@code
 * minInterval}, to a directory: evidence of what filled the heap. Off unless added. The dump runs
 * on a thread of its own, so the other actions don't wait for it; dumping live objects runs a full
 * collection, which is why it is rate-limited.
 */
public final class HeapDumpAction implements DegradationAction {

  private static final System.Logger LOG = System.getLogger(HeapDumpAction.class.getName());

  /** Writes a dump to a path; the default uses {@link HotSpotDiagnosticMXBean}. */
  @FunctionalInterface
  public interface Dumper {
    void dump(Path file) throws IOException;
  }

  private final Path directory;
  private final long minIntervalNanos;
  private final Ticker ticker;
  private final Dumper dumper;
  private final AtomicLong lastDump = new AtomicLong();
  private final LongAdder dumps = new LongAdder();
  private volatile boolean dumped;

  private HeapDumpAction(Path directory, Duration minInterval, Ticker ticker, Dumper dumper) {
    this.directory = Objects.requireNonNull(directory, "directory");
    if (minInterval == null || minInterval.isNegative()) {
      throw new IllegalArgumentException(
          "heap dump min_interval must be zero or positive, was " + minInterval);
    }
    this.minIntervalNanos = minInterval.toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.dumper = Objects.requireNonNull(dumper, "dumper");
  }

  /** Dumps to {@code directory} on OPEN, at most once per {@code minInterval}. */
  public static HeapDumpAction of(Path directory, Duration minInterval) {
    return new HeapDumpAction(directory, minInterval, Ticker.system(), HeapDumpAction::hotspotDump);
  }

  /** As {@link #of(Path, Duration)}, with the time source and the dumper given (for tests). */
  public static HeapDumpAction of(
      Path directory, Duration minInterval, Ticker ticker, Dumper dumper) {
    return new HeapDumpAction(directory, minInterval, ticker, dumper);
  }

  private static void hotspotDump(Path file) throws IOException {
    ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .dumpHeap(file.toString(), true);
  }

  @Override
  public String name() {
    return "heap_dump";
  }

  @Override
  public void onLevelChange(BreakerState from, BreakerState to, BreakerStatus status) {
    if (to != BreakerState.OPEN) {
      return;
    }
    long now = ticker.read();
    long last = lastDump.get();
    if (dumped && now - last < minIntervalNanos) {
      return;
    }
    if (!lastDump.compareAndSet(last, now)) {
      return;
    }
    dumped = true;
    Path file =
        directory.resolve(
            "membreaker-"
                + ProcessHandle.current().pid()
                + "-"
                + System.currentTimeMillis()
                + ".hprof");
    Thread t =
        new Thread(
            () -> {
              try {
                Files.createDirectories(directory);
                dumper.dump(file);
                dumps.increment();
                LOG.log(
                    System.Logger.Level.WARNING,
                    "membreaker: breaker OPEN; heap dumped to {0}",
                    file);
              } catch (IOException | RuntimeException e) {
                LOG.log(
                    System.Logger.Level.WARNING, "membreaker: heap dump to " + file + " failed", e);
              }
            },
            "membreaker-heap-dump");
    t.setDaemon(true);
    t.start();
  }

  /** Dumps written. */
  public long dumps() {
    return dumps.sum();
  }
}
