package dev.membreaker.breaker;

import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;
import dev.membreaker.time.Ticker;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns the sampler's cadence and its two threads.
 *
 * <p>The sampler thread takes a sample ({@link MemoryBreaker#sampleNow}), asks {@link Cadence} how
 * long to wait, and parks; a GC notification that needs grading now (see {@link
 * Cadence#wakeAbove}), a config update and {@link #wake} unpark it early. The watchdog thread is
 * what makes a hung or dead sampler visible: it parks until the moment the sampler would be
 * overdue, and only then checks ({@link MemoryBreaker#checkSamplerNow}); while samples arrive it
 * wakes about once per stall period (one to two times a second by default), not at every interval,
 * because on a virtual machine each wake-up costs more than the check.
 *
 * <p>The sampler is overdue when no sample came for {@code stall_intervals × sample_interval}, or
 * for two of its own waits if it chose a longer one while calm. Thread-safe.
 */
final class Sampler {

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());

  private final MemoryBreaker breaker;
  private final Ticker ticker;
  private volatile long lastSampleAt;
  private volatile long waitNanos;
  private volatile double wakeAbove;
  private volatile boolean running;
  private volatile Thread samplerThread;
  private volatile Thread watchdogThread;

  Sampler(MemoryBreaker breaker, Ticker ticker, BreakerConfig config) {
    this.breaker = breaker;
    this.ticker = ticker;
    this.lastSampleAt = ticker.read();
    this.waitNanos = config.sampleInterval().toNanos();
  }

  /**
   * Runs {@code source}'s change callback: wakes the sampler if the new reading needs grading now.
   */
  void watch(MemorySource source) {
    source.onChange(
        () -> {
          if (needsGradingNow(source.read())) {
            wake();
          }
        });
  }

  /** Whether a reading a source announced must be graded at once rather than at the next poll. */
  boolean needsGradingNow(MemoryReading reading) {
    return reading.pressure() >= wakeAbove;
  }

  /** Records a sample just published, and plans the next one. Called by whoever sampled. */
  void sampled(long now, Admission published, OutcomeWindow outcomes) {
    boolean calm = Cadence.calm(published) && outcomes.quiet(published.config());
    wakeAbove = Cadence.wakeAbove(published, calm);
    waitNanos = Cadence.nextWaitNanos(published, calm, now);
    lastSampleAt = now;
  }

  /** How long since the latest sample (or since the sampler was made, before any). */
  long quietNanos(long now) {
    return now - lastSampleAt;
  }

  /** How long without a sample counts as a stall under {@code c} and the cadence in force. */
  long stallNanos(BreakerConfig c) {
    return Math.max(c.stallIntervals() * c.sampleInterval().toNanos(), 2 * waitNanos);
  }

  /** The wait the sampler chose after its latest sample (the cadence in force). */
  long waitNanos() {
    return waitNanos;
  }

  void wake() {
    Thread t = samplerThread;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  synchronized void start() {
    if (running) {
      return;
    }
    running = true;
    lastSampleAt = ticker.read();
    samplerThread = daemon(this::runSampler, "membreaker-sampler");
    watchdogThread = daemon(this::runWatchdog, "membreaker-watchdog");
    samplerThread.start();
    watchdogThread.start();
  }

  private void runSampler() {
    while (running) {
      try {
        breaker.sampleNow();
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.ERROR, "membreaker: sample failed", e);
      }
      LockSupport.parkNanos(this, waitNanos);
    }
  }

  private void runWatchdog() {
    while (running) {
      BreakerConfig c = breaker.config();
      long overdue = quietNanos(ticker.read()) - stallNanos(c);
      // Park until the sampler would be overdue; once it is, look again once per stall period.
      LockSupport.parkNanos(this, overdue < 0 ? 1 - overdue : stallNanos(c));
      if (running) {
        breaker.checkSamplerNow();
      }
    }
  }

  synchronized void close() {
    running = false;
    for (Thread t : new Thread[] {samplerThread, watchdogThread}) {
      if (t != null) {
        LockSupport.unpark(t);
        try {
          t.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
