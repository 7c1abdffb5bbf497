package dev.membreaker.load;

import com.google.protobuf.DynamicMessage;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives calls of any type with async calls on few threads: a unary call sends one message; a
 * client or bidi stream sends every message of the data array, then half-closes; a server or bidi
 * stream reads every response. A call's latency runs until it closes.
 *
 * <p>Closed model (no rate): {@code concurrency} loops, each starting its next call when the last
 * one ends, until {@code total} calls or {@code duration} are reached. Open model ({@code rps}):
 * one dispatcher gives call i the intended start time {@code start + i / rps} and starts it then,
 * with at most {@code concurrency} in flight; latency is measured from the intended start, so a
 * server that stalls cannot hide its stall by slowing the load (coordinated omission): the calls
 * that wait behind a stall carry the wait in their latency.
 */
final class LoadRunner {

  private final List<ManagedChannel> channels;
  private final MethodDescriptor<DynamicMessage, DynamicMessage> method;
  private final Requests requests;
  private final int concurrency;
  private final long total;
  private final long durationNanos;
  private final RateSchedule rate;
  private final long timeoutMillis;
  private final boolean fromSend;
  private RateSchedule concurrencySchedule = RateSchedule.constant(0);

  /**
   * Varies the closed model's loops over time (ghz's --concurrency-schedule); the most is {@code
   * concurrency}.
   */
  LoadRunner withConcurrencySchedule(RateSchedule schedule) {
    this.concurrencySchedule = schedule;
    return this;
  }

  private int loopsAt(long now, long start) {
    if (!concurrencySchedule.active()) {
      return concurrency;
    }
    return (int)
        Math.max(
            1, Math.min(concurrency, Math.round(concurrencySchedule.rateAt((now - start) / 1e9))));
  }

  LoadRunner(
      List<ManagedChannel> channels,
      MethodDescriptor<DynamicMessage, DynamicMessage> method,
      Requests requests,
      int concurrency,
      long total,
      long durationNanos,
      RateSchedule rate,
      long timeoutMillis,
      boolean fromSend) {
    this.fromSend = fromSend;
    this.rate = rate;
    this.channels = channels;
    this.method = method;
    this.requests = requests;
    this.concurrency = concurrency;
    this.total = total;
    this.durationNanos = durationNanos;
    this.timeoutMillis = timeoutMillis;
  }

  Results run(Results results, java.io.PrintWriter progressTo) throws InterruptedException {
    results.startNanos = System.nanoTime();
    Thread progress = null;
    if (System.console() != null) { // a terminal: live progress on stderr; nothing when piped
      progress =
          new Thread(
              () -> {
                while (!Thread.currentThread().isInterrupted()) {
                  try {
                    Thread.sleep(1000); // the progress line's refresh period
                  } catch (InterruptedException e) {
                    return;
                  }
                  long errors = results.count() - results.ok.getTotalCount();
                  double seconds = (System.nanoTime() - results.startNanos) / 1e9;
                  progressTo.printf(
                      "\r%6.1fs  %d calls  %.0f/s  %d errors   ",
                      seconds, results.count(), results.count() / Math.max(seconds, 1e-9), errors);
                  progressTo.flush();
                }
              },
              "load-progress");
      progress.setDaemon(true);
      progress.start();
    }
    if (rate.active()) {
      open(results);
    } else {
      closed(results);
    }
    results.endNanos = System.nanoTime();
    if (progress != null) {
      progress.interrupt();
      progressTo.println();
    }
    return results;
  }

  private boolean more(long i, long now, long start) {
    return (total <= 0 || i < total) && (durationNanos <= 0 || now - start < durationNanos);
  }

  /** One loop of the closed model: each call starts when the last one ends. */
  private final class Loop {
    final int id;
    final AtomicLong next;
    final Results results;
    final CountDownLatch done;
    final java.util.Queue<Loop> parked;
    final long start;

    Loop(
        int id,
        AtomicLong next,
        Results results,
        CountDownLatch done,
        java.util.Queue<Loop> parked,
        long start) {
      this.id = id;
      this.next = next;
      this.results = results;
      this.done = done;
      this.parked = parked;
      this.start = start;
    }

    void issue() {
      long now = System.nanoTime();
      if (!more(next.get(), now, start)) {
        done.countDown();
        return;
      }
      if (id >= loopsAt(now, start)) {
        parked.add(this); // the schedule wants fewer loops now: wait to be resumed
        return;
      }
      long i = next.getAndIncrement();
      if (!more(i, now, start)) {
        done.countDown();
        return;
      }
      long began = System.nanoTime();
      call(
          i,
          id,
          status -> {
            results.record(i, System.nanoTime() - began, status);
            issue();
          });
    }
  }

  private void closed(Results results) throws InterruptedException {
    AtomicLong next = new AtomicLong();
    CountDownLatch done = new CountDownLatch(concurrency);
    java.util.Queue<Loop> parked = new java.util.concurrent.ConcurrentLinkedQueue<>();
    long start = results.startNanos;
    for (int w = 0; w < concurrency; w++) {
      new Loop(w, next, results, done, parked, start).issue();
    }
    // With a concurrency schedule, resume parked loops as the schedule allows, every 50 ms.
    while (!done.await(50, TimeUnit.MILLISECONDS)) {
      int resume = parked.size();
      for (int k = 0; k < resume; k++) {
        Loop loop = parked.poll();
        if (loop != null) {
          loop.issue();
        }
      }
    }
  }

  private void open(Results results) throws InterruptedException {
    Semaphore inFlight = new Semaphore(concurrency);
    long start = results.startNanos;
    long i = 0;
    double next = start;
    while (true) {
      long intended = (long) next;
      if (!more(i, intended, start)) {
        break;
      }
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue; // re-check: parkNanos may return early
      }
      next += 1e9 / rate.rateAt((intended - start) / 1e9);
      inFlight.acquire();
      long n = i;
      long sent = System.nanoTime();
      long from = fromSend ? sent : intended;
      call(
          n,
          (int) (n % concurrency),
          status -> {
            results.record(n, System.nanoTime() - from, status);
            inFlight.release();
          });
      i++;
    }
    inFlight.acquire(concurrency); // all calls done
  }

  private void call(long n, int worker, java.util.function.Consumer<Status> onClose) {
    ManagedChannel channel = channels.get((int) (n % channels.size()));
    ClientCall<DynamicMessage, DynamicMessage> call =
        channel.newCall(
            method, CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS));
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            onClose.accept(status);
          }
        },
        requests.metadata(n, worker));
    if (method.getType().clientSendsOneMessage()) {
      call.sendMessage(requests.message(n, worker));
    } else {
      for (DynamicMessage m :
          requests.stream(n, worker)) { // client and bidi streams: the whole array
        call.sendMessage(m);
      }
    }
    call.halfClose();
    // Unary: one response; streams: read them all (the call's latency runs until it closes).
    call.request(method.getType().serverSendsOneMessage() ? 1 : Integer.MAX_VALUE);
  }
}
