package dev.membreaker.load;

import io.grpc.Status;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What a run measured: latency of every call and of OK calls alone (HdrHistogram, nanoseconds,
 * 3 significant digits), calls by status code, and errors by message (at most 100 distinct).
 * Thread-safe.
 */
final class Results {

  private static final long MAX_NANOS = 3_600_000_000_000L;

  final Histogram all = new ConcurrentHistogram(MAX_NANOS, 3);
  final Histogram ok = new ConcurrentHistogram(MAX_NANOS, 3);
  final Map<Status.Code, LongAdder> codes = new ConcurrentHashMap<>();
  final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
  final AtomicLong skipped = new AtomicLong();
  private final long skipFirst;
  long startNanos;
  long endNanos;

  Results(long skipFirst) {
    this.skipFirst = skipFirst;
  }

  void record(long requestNumber, long latencyNanos, Status status) {
    if (requestNumber < skipFirst) {
      skipped.incrementAndGet();
      return;
    }
    long v = Math.max(1, Math.min(latencyNanos, MAX_NANOS));
    all.recordValue(v);
    if (status.isOk()) {
      ok.recordValue(v);
    } else {
      String key = "rpc error: code = " + status.getCode() + " desc = "
          + (status.getDescription() == null ? "" : status.getDescription());
      if (errors.size() < 100 || errors.containsKey(key)) {
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
      }
    }
    codes.computeIfAbsent(status.getCode(), k -> new LongAdder()).increment();
  }

  long count() {
    return all.getTotalCount();
  }

  long totalNanos() {
    return endNanos - startNanos;
  }

  double rps() {
    return totalNanos() <= 0 ? 0 : count() * 1e9 / totalNanos();
  }

  Map<String, Long> codeCounts() {
    Map<String, Long> m = new TreeMap<>();
    codes.forEach((c, n) -> m.put(c.name(), n.sum()));
    return m;
  }
}
