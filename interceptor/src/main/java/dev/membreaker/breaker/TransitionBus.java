package dev.membreaker.breaker;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Delivers transitions, override changes and config changes to the listeners, after the state has
 * changed, on an executor of its own (by default one daemon thread with a bounded queue), so a slow
 * or failing listener never blocks or breaks the breaker. A listener that throws is logged and
 * counted, and the others still run; events beyond the queue are dropped and counted. Nothing is
 * queued while nobody listens. Thread-safe.
 */
final class TransitionBus {

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());
  private static final int QUEUE = 1024;

  private final List<TransitionListener> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder dropped = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final Executor executor;
  private final ExecutorService owned;

  /**
   * @param executor where listeners run, or null for a daemon thread of the bus's own
   */
  TransitionBus(Executor executor, List<TransitionListener> initial) {
    if (executor != null) {
      this.executor = executor;
      this.owned = null;
    } else {
      ThreadPoolExecutor own =
          new ThreadPoolExecutor(
              1,
              1,
              0,
              TimeUnit.SECONDS,
              new ArrayBlockingQueue<>(QUEUE),
              r -> Sampler.daemon(r, "membreaker-listeners"),
              (r, e) -> dropped.increment());
      this.executor = own;
      this.owned = own;
    }
    listeners.addAll(initial);
  }

  void add(TransitionListener listener) {
    listeners.add(listener);
  }

  void remove(TransitionListener listener) {
    listeners.remove(listener);
  }

  long dropped() {
    return dropped.sum();
  }

  long failures() {
    return failures.sum();
  }

  /** Hands {@code event} (a TransitionEvent, OverrideChange or ConfigChange) to the listeners. */
  void announce(Object event) {
    if (listeners.isEmpty()) {
      return;
    }
    try {
      executor.execute(() -> deliver(event));
    } catch (RejectedExecutionException e) {
      dropped.increment();
    }
  }

  private void deliver(Object event) {
    for (TransitionListener listener : listeners) {
      try {
        if (event instanceof TransitionEvent) {
          listener.onTransition((TransitionEvent) event);
        } else if (event instanceof OverrideChange) {
          listener.onOverrideChange((OverrideChange) event);
        } else {
          listener.onConfigChange((ConfigChange) event);
        }
      } catch (RuntimeException | Error e) {
        failures.increment();
        LOG.log(System.Logger.Level.WARNING, "membreaker: a transition listener failed", e);
      }
    }
  }

  void close() {
    if (owned != null) {
      owned.shutdown();
    }
  }
}
