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
 * What a run measured: latency of every call and of OK calls alone (HdrHistogram, nanoseconds, 3
 * significant digits), calls by status code, errors by status and message with its numbers taken
 * out (at most 100 distinct), and, for the JSON report, one entry per call as ghz keeps them (at
 * most {@link #MAX_DETAILS}). Thread-safe.
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

  /** ghz's own bound on the calls its report details ({@code maxResult}). */
  static final int MAX_DETAILS = 1_000_000;

  /** One entry per call, kept only for the CSV report. */
  final java.util.Queue<Call> calls;

  /** One entry per call (at most {@link #MAX_DETAILS}), kept only for the JSON report. */
  final java.util.Queue<Detail> details;

  private final java.util.concurrent.atomic.AtomicInteger detailCount =
      new java.util.concurrent.atomic.AtomicInteger();
  long startNanos;
  long endNanos;

  /** One call, for the CSV report. */
  record Call(long request, long endNanos, long latencyNanos, Status.Code code, String error) {}

  /**
   * One call as ghz's report details it: when it started, how long it took, its error and status.
   */
  record Detail(java.time.Instant start, long latencyNanos, String error, String status) {}

  Results(long skipFirst, boolean keepCalls) {
    this(skipFirst, keepCalls, false);
  }

  Results(long skipFirst, boolean keepCalls, boolean keepDetails) {
    this.skipFirst = skipFirst;
    this.calls = keepCalls ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;
    this.details = keepDetails ? new java.util.concurrent.ConcurrentLinkedQueue<>() : null;
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
      String key = GhzNames.stableError(status);
      if (errors.size() < 100 || errors.containsKey(key)) {
        errors.computeIfAbsent(key, k -> new LongAdder()).increment();
      }
    }
    codes.computeIfAbsent(status.getCode(), k -> new LongAdder()).increment();
    if (status.getCode() == Status.Code.RESOURCE_EXHAUSTED && firstShed.get() < 0) {
      firstShed.compareAndSet(-1, System.nanoTime());
    }
    if (details != null && detailCount.getAndIncrement() < MAX_DETAILS) {
      details.add(
          new Detail(
              java.time.Instant.now().minusNanos(v),
              v,
              GhzNames.error(status),
              GhzNames.of(status.getCode())));
    }
    if (calls != null) {
      calls.add(
          new Call(
              requestNumber,
              System.nanoTime(),
              v,
              status.getCode(),
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
    codes.forEach((c, n) -> m.put(GhzNames.of(c), n.sum()));
    return m;
  }
}
