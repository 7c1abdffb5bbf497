package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;
import dev.membreaker.policy.Priority;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The account of bytes in flight: request bytes the transport has received and not yet handed to
 * the application, and response bytes queued for clients and not yet written. The interceptor's
 * stream tracer adds and removes them as they move; nothing samples them, so a burst of large
 * requests is known at admission, not 100 ms later.
 *
 * <p>The budget is {@code in_flight_budget}: a share of the maximum direct memory (Netty's own
 * limit where it tracks its buffers, the JDK's {@code -XX:MaxDirectMemorySize} otherwise) or a
 * number of bytes. New calls are refused by priority against the same watermarks as every other
 * dimension: SHEDDABLE from {@code degraded} × budget, DEFAULT from {@code open} × budget; a
 * CRITICAL call is never refused for its start, which adds next to nothing. A request message still
 * arriving stops being read at the same limits, and for CRITICAL calls at {@code critical_cap} ×
 * budget. The account is also the {@link Dimension#IN_FLIGHT} dimension the state machine grades
 * (see {@link #source()}); crossing {@code warning} × budget wakes the sampler, so the state
 * follows without waiting for its next sample. With {@code in_flight} not among the config's {@code
 * dimensions}, nothing is refused on its account.
 *
 * <p>Thread-safe and lock-free: one atomic add per change; deciding a call is two volatile reads
 * and a compare. The limits follow the breaker's config (the default profile's; cohorts share the
 * account), recomputed once per config change.
 */
public final class InFlightBytes {

  private static final Runnable NOTHING = () -> {};

  private final AtomicLong bytes = new AtomicLong();
  private final long maxDirectMemory;
  private volatile Limits limits;
  private volatile Runnable onRise = NOTHING;

  /** The byte limits of one config, computed once per config. */
  private static final class Limits {
    final BreakerConfig config;
    final long budget;
    final long wake;
    final long sheddable;
    final long normal;
    final long critical;

    Limits(BreakerConfig config, long maxDirectMemory) {
      this.config = config;
      this.budget = Math.max(1, config.inFlightBudget(maxDirectMemory));
      if (config.dimensions().contains(Dimension.IN_FLIGHT)) {
        wake = (long) (config.warning() * budget);
        sheddable = (long) (config.degraded() * budget);
        normal = (long) (config.open() * budget);
        critical = (long) (config.criticalCap() * budget);
      } else {
        wake = sheddable = normal = critical = Long.MAX_VALUE;
      }
    }
  }

  /**
   * @param maxDirectMemory what a budget given as a share is a share of
   * @param config the config to start with
   */
  public InFlightBytes(long maxDirectMemory, BreakerConfig config) {
    if (maxDirectMemory <= 0) {
      throw new IllegalArgumentException(
          "maxDirectMemory must be positive, was " + maxDirectMemory);
    }
    this.maxDirectMemory = maxDirectMemory;
    this.limits = new Limits(config, maxDirectMemory);
  }

  /** Computes the limits of {@code config} now (the breaker calls it on every config change). */
  void apply(BreakerConfig config) {
    limits(config);
  }

  /**
   * Runs {@code callback} (briefly, on the thread that added) whenever the bytes rise past {@code
   * warning} × budget.
   */
  void onRise(Runnable callback) {
    onRise = callback;
  }

  /** Adds {@code n} bytes (n ≥ 0). */
  public void add(long n) {
    long after = bytes.addAndGet(n);
    long wake = limits.wake;
    if (after >= wake && after - n < wake) {
      onRise.run();
    }
  }

  /** Removes {@code n} bytes that were added (n ≥ 0). */
  public void release(long n) {
    bytes.addAndGet(-n);
  }

  /** The bytes in flight now. */
  public long bytes() {
    return bytes.get();
  }

  /** The budget in bytes under the breaker's config in force. */
  public long budget() {
    return limits.budget;
  }

  /** Whether a new call of {@code priority} is refused now. */
  public boolean refuses(Priority priority) {
    return priority != Priority.CRITICAL && bytes.get() >= limitOf(limits, priority);
  }

  /** Whether a call of {@code priority} may not add more bytes now. */
  public boolean overLimit(Priority priority) {
    return bytes.get() >= limitOf(limits, priority);
  }

  /** The bytes at which a call of {@code priority} is refused (a new one) or stops being read. */
  public long limit(Priority priority) {
    return limitOf(limits, priority);
  }

  private static long limitOf(Limits l, Priority priority) {
    switch (priority) {
      case CRITICAL:
        return l.critical;
      case SHEDDABLE:
        return l.sheddable;
      default:
        return l.normal;
    }
  }

  private void limits(BreakerConfig config) {
    if (limits.config != config) {
      limits = new Limits(config, maxDirectMemory);
    }
  }

  /** The account as the {@link Dimension#IN_FLIGHT} memory source: bytes against the budget. */
  public MemorySource source() {
    return new MemorySource() {
      @Override
      public Dimension dimension() {
        return Dimension.IN_FLIGHT;
      }

      @Override
      public MemoryReading read() {
        return MemoryReading.of(Math.max(0, bytes.get()), limits.budget);
      }
    };
  }
}
