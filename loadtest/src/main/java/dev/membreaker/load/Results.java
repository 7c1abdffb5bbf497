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
  /** When the first RESOURCE_EXHAUSTED came back (nanoTime), or -1. */
  final AtomicLong firstShed = new AtomicLong(-1);
  private final long skipFirst;
  /** One entry per call, kept only for the CSV report. */
  final java.util.Queue<Call> calls;
  long startNanos;
  long endNanos;

  /** One call, for the CSV report. */
  record Call(long request, long endNanos, long latencyNanos, Status.Code code, String error) {}

  Results(long skipFirst, boolean keepCalls) {
    this.skipFirst = skipFirst;
    this.calls = keepCalls ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;
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
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && firstShed.get() < 0) {
      firstShed.compareAndSet(-1, System.nanoTime());
    }
    if (calls != null) {
      calls.add(new Call(requestNumber, System.nanoTime(), v, status.getCode(),
          status.isOk() || status.getDescription() == null ? "" : status.getDescription()));
    }
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
