package dev.membreaker.matrix;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Application stalls, measured as jHiccup measures them: a thread that asks to sleep 1 ms in a loop
 * and records how much later than that it woke. A stop-the-world pause (a collection, a safepoint)
 * delays every thread alike, so the lateness is what any request in the process waited too.
 * Wake-ups later than {@link #THRESHOLD_NANOS} count as stalls. Thread-safe to read while it runs.
 */
final class StallMeter {

  /** Lateness that counts as a stall: what a user of an interactive service notices. */
  static final long THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private volatile boolean stop;
  private volatile long count;
  private volatile long totalNanos;
  private volatile long longestNanos;
  private Thread thread;

  void start() {
    thread = new Thread(this::run, "stall-meter");
    thread.setDaemon(true);
    thread.start();
  }

  void stop() throws InterruptedException {
    stop = true;
    if (thread != null) {
      thread.join(10_000);
    }
  }

  private void run() {
    while (!stop) {
      long before = System.nanoTime();
      LockSupport.parkNanos(TICK_NANOS);
      long late = System.nanoTime() - before - TICK_NANOS;
      if (late > longestNanos) {
        longestNanos = late;
      }
      if (late > THRESHOLD_NANOS) {
        count++;
        totalNanos += late;
      }
    }
  }

  long count() {
    return count;
  }

  long totalNanos() {
    return totalNanos;
  }

  long longestNanos() {
    return longestNanos;
  }
}
