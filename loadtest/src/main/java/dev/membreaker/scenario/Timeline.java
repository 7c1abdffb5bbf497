package dev.membreaker.scenario;

import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What the load side saw, per stream and per second of the run (by each call's intended start):
 * calls sent, OK, shed by the contender's guard, and failed otherwise; and the latency of OK calls,
 * per second and over the whole run, and over the whole run for the normal traffic alone (the
 * streams every scenario has under its pressure). Thread-safe.
 */
final class Timeline {

  enum Outcome {
    OK,
    SHED,
    FAILED
  }

  private static final long MAX_NANOS = 120_000_000_000L;

  final int seconds;
  final int streams;
  private final AtomicLongArray sent;
  private final AtomicLongArray ok;
  private final AtomicLongArray shed;
  private final AtomicLongArray failed;

  /**
   * Send times (seconds, x1000) of shed calls, for the false-shed count; at most {@link
   * #SHED_TIMES}.
   */
  final AtomicLongArray shedAtMillis;

  final java.util.concurrent.atomic.AtomicInteger shedTimes =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong firstShedMillis =
      new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
  static final int SHED_TIMES = 1 << 20;
  final Histogram[] okLatencyBySecond;
  final Histogram okLatency = new ConcurrentHistogram(MAX_NANOS, 3);
  final Histogram normalOkLatency = new ConcurrentHistogram(MAX_NANOS, 3);
  private final boolean[] normal;

  /** A timeline of {@code traffic}'s streams, in its order. */
  Timeline(java.util.List<Traffic> traffic, int seconds) {
    this(traffic.size(), seconds);
    for (int k = 0; k < streams; k++) {
      normal[k] = traffic.get(k).baseline();
    }
  }

  /** A timeline of {@code streams} streams, none of them normal traffic. */
  Timeline(int streams, int seconds) {
    this.normal = new boolean[streams];
    this.streams = streams;
    this.seconds = seconds;
    sent = new AtomicLongArray(streams * seconds);
    ok = new AtomicLongArray(streams * seconds);
    shed = new AtomicLongArray(streams * seconds);
    failed = new AtomicLongArray(streams * seconds);
    shedAtMillis = new AtomicLongArray(SHED_TIMES);
    okLatencyBySecond = new Histogram[seconds];
    for (int s = 0; s < seconds; s++) {
      okLatencyBySecond[s] = new ConcurrentHistogram(MAX_NANOS, 2);
    }
  }

  private int slot(int stream, double at) {
    int second = (int) Math.max(0, Math.min(seconds - 1, Math.floor(at)));
    return stream * seconds + second;
  }

  void sent(int stream, double at) {
    sent.incrementAndGet(slot(stream, at));
  }

  void closed(int stream, double at, Outcome outcome, long latencyNanos) {
    int slot = slot(stream, at);
    switch (outcome) {
      case OK:
        ok.incrementAndGet(slot);
        long v = Math.max(1, Math.min(latencyNanos, MAX_NANOS));
        okLatency.recordValue(v);
        okLatencyBySecond[slot % seconds].recordValue(v);
        if (normal[stream]) {
          normalOkLatency.recordValue(v);
        }
        break;
      case SHED:
        shed.incrementAndGet(slot);
        long millis = (long) (at * 1000);
        firstShedMillis.accumulateAndGet(millis, Math::min);
        int i = shedTimes.getAndIncrement();
        if (i < SHED_TIMES) {
          shedAtMillis.set(i, millis);
        }
        break;
      default:
        failed.incrementAndGet(slot);
    }
  }

  long sent(int stream, int second) {
    return sent.get(stream * seconds + second);
  }

  long ok(int stream, int second) {
    return ok.get(stream * seconds + second);
  }

  long shed(int stream, int second) {
    return shed.get(stream * seconds + second);
  }

  long failed(int stream, int second) {
    return failed.get(stream * seconds + second);
  }

  long sumSent(int stream) {
    return sum(sent, stream);
  }

  long sumOk(int stream) {
    return sum(ok, stream);
  }

  long sumShed(int stream) {
    return sum(shed, stream);
  }

  /** When the first shed call was sent, in seconds, or null if none was. */
  Double firstShedSeconds() {
    long first = firstShedMillis.get();
    return first == Long.MAX_VALUE ? null : first / 1000.0;
  }

  private long sum(AtomicLongArray counts, int stream) {
    long n = 0;
    for (int s = 0; s < seconds; s++) {
      n += counts.get(stream * seconds + s);
    }
    return n;
  }
}
