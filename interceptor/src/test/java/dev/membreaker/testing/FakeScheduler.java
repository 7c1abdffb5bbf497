package dev.membreaker.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link ScheduledExecutorService} on a {@link FakeTicker}: nothing runs until the test moves
 * time with {@link #advance} (or calls {@link #runDueTasks}), and then every task that has come due
 * runs on the test's thread, in order of due time, as grpc-java's {@code FakeClock} does. Periodic
 * tasks are rescheduled from their due time. Thread-safe for scheduling; tasks run only on the
 * thread that advances. Shipped in the test-jar.
 */
public final class FakeScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {

  private final FakeTicker ticker;
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private final AtomicLong order = new AtomicLong();
  private volatile boolean shutdown;

  public FakeScheduler(FakeTicker ticker) {
    this.ticker = ticker;
  }

  /** Moves time forward by {@code d}, running each task as its due time is reached. */
  public int advance(Duration d) {
    long target = ticker.read() + d.toNanos();
    int ran = 0;
    while (true) {
      Task<?> next;
      synchronized (queue) {
        next = queue.peek();
        if (next == null || next.dueAt - target > 0) {
          break;
        }
        queue.poll();
      }
      long step = next.dueAt - ticker.read();
      if (step > 0) {
        ticker.advance(Duration.ofNanos(step));
      }
      next.runAndReschedule();
      ran++;
    }
    long rest = target - ticker.read();
    if (rest > 0) {
      ticker.advance(Duration.ofNanos(rest));
    }
    return ran;
  }

  /** Runs every task due now; returns how many ran. */
  public int runDueTasks() {
    return advance(Duration.ZERO);
  }

  /** Tasks scheduled and not yet run (periodic ones count once). */
  public int pendingTasks() {
    synchronized (queue) {
      return queue.size();
    }
  }

  private <V> Task<V> enqueue(Callable<V> work, long delayNanos, long periodNanos) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("fake scheduler is shut down");
    }
    Task<V> task = new Task<>(work, ticker.read() + Math.max(0, delayNanos), periodNanos);
    synchronized (queue) {
      queue.add(task);
    }
    return task;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(
        () -> {
          command.run();
          return null;
        },
        unit.toNanos(delay),
        0);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(callable, unit.toNanos(delay), 0);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return periodic(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return periodic(command, initialDelay, delay, unit); // tasks take no fake time: the same
  }

  private ScheduledFuture<?> periodic(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    if (period <= 0) {
      throw new IllegalArgumentException("period must be positive, was " + period);
    }
    return enqueue(
        () -> {
          command.run();
          return null;
        },
        unit.toNanos(initialDelay),
        unit.toNanos(period));
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> pending;
    synchronized (queue) {
      pending = new ArrayList<>(queue);
      queue.clear();
    }
    return pending;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && pendingTasks() == 0;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
    private final long periodNanos;
    private final long seq = order.getAndIncrement();
    private long dueAt;

    Task(Callable<V> work, long dueAt, long periodNanos) {
      super(work);
      this.dueAt = dueAt;
      this.periodNanos = periodNanos;
    }

    void runAndReschedule() {
      if (periodNanos == 0) {
        run();
      } else if (runAndReset() && !shutdown) {
        dueAt += periodNanos;
        synchronized (queue) {
          queue.add(this);
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (queue) {
        queue.remove(this);
      }
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueAt - ticker.read(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> o = (Task<?>) other;
      int byTime = Long.compare(dueAt - o.dueAt, 0);
      return byTime != 0 ? byTime : Long.compare(seq, o.seq);
    }
  }
}
