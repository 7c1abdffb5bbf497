package dev.membreaker.scenario;

import com.google.protobuf.MessageLite;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends a scenario's streams in the open model, as the load tool's {@code --rps} does: call i of a
 * stream has an intended start, is started then whatever the server does, and its latency counts
 * from that intended start (no coordinated omission). One dispatcher thread per stream; each stream
 * has at most {@link #MAX_IN_FLIGHT} calls in flight, and a call that finds none free fails at once
 * (counted as failed), so a stalled server can't make the client queue without bound. Every call
 * has a deadline; the run is bounded by the scenario's length.
 */
final class Driver {

  static final int MAX_IN_FLIGHT = 2000;
  static final long DEADLINE_MILLIS = 5000;

  private final ManagedChannel channel;
  private final Scenario scenario;
  private final Timeline timeline;
  private volatile java.util.function.BooleanSupplier over = () -> false;

  Driver(ManagedChannel channel, Scenario scenario, Timeline timeline) {
    this.channel = channel;
    this.scenario = scenario;
    this.timeline = timeline;
  }

  /**
   * Warms the server up before the measured run: up to {@code calls} calls of the normal (baseline)
   * streams, one at a time, for at most {@code budgetNanos}. A server JVM's first calls wait for
   * class loading and the JIT: 0.3 to 1.2 s in the first second of a run, for every contender
   * alike, which was most of the p99 a whole run reported. What the calls return is not counted.
   */
  void warmUp(int calls, long budgetNanos) {
    List<Traffic> normal = scenario.traffic().stream().filter(Traffic::baseline).toList();
    if (normal.isEmpty()) {
      return;
    }
    long end = System.nanoTime() + budgetNanos;
    for (int i = 0; i < calls && System.nanoTime() - end < 0; i++) {
      Traffic t = normal.get(i % normal.size());
      try {
        io.grpc.stub.ClientCalls.blockingUnaryCall(
            channel,
            t.method(),
            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS),
            t.request());
      } catch (io.grpc.StatusRuntimeException e) {
        // a refusal or a slow first call warms up just the same
      }
    }
  }

  /**
   * Runs every stream from {@code startNanos} for the scenario's length; returns when all calls
   * closed.
   */
  void run(long startNanos) throws InterruptedException {
    run(startNanos, () -> false);
  }

  /**
   * As {@link #run(long)}, but each stream stops sending once {@code over} says so (looked at every
   * 100 ms): a run that has shown what it had to, such as a server that died, need not go on.
   */
  void run(long startNanos, java.util.function.BooleanSupplier over) throws InterruptedException {
    this.over = over;
    List<Thread> dispatchers = new ArrayList<>();
    List<Semaphore> inFlight = new ArrayList<>();
    for (int k = 0; k < scenario.traffic().size(); k++) {
      int stream = k;
      Semaphore permits = new Semaphore(MAX_IN_FLIGHT);
      inFlight.add(permits);
      Thread t =
          new Thread(
              () -> dispatch(stream, scenario.traffic().get(stream), permits, startNanos),
              "scenario-" + scenario.traffic().get(stream).label());
      t.setDaemon(true);
      dispatchers.add(t);
      t.start();
    }
    for (Thread t : dispatchers) {
      t.join();
    }
    for (Semaphore permits : inFlight) { // every call has a deadline, so this ends
      if (!permits.tryAcquire(MAX_IN_FLIGHT, DEADLINE_MILLIS + 5000, TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("calls still open 10 s after the run ended");
      }
    }
  }

  private void dispatch(int stream, Traffic traffic, Semaphore permits, long startNanos) {
    long endNanos = startNanos + scenario.seconds() * 1_000_000_000L;
    double next = startNanos;
    long lookAgainAt = startNanos;
    while (true) {
      long intended = (long) next;
      if (intended >= endNanos) {
        return;
      }
      if (intended >= lookAgainAt) {
        if (over.getAsBoolean()) {
          return;
        }
        lookAgainAt = intended + 100_000_000L;
      }
      double at = (intended - startNanos) / 1e9;
      double rate = traffic.rate().at(at);
      if (rate <= 0) { // idle: look again 1 ms on (no wait: the next call found is waited for)
        next += 1_000_000;
        continue;
      }
      long wait = intended - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      next += 1e9 / rate;
      timeline.sent(stream, at);
      if (!permits.tryAcquire()) {
        timeline.closed(stream, at, Timeline.Outcome.FAILED, 0);
        continue;
      }
      call(stream, traffic, at, intended, permits);
    }
  }

  private void call(int stream, Traffic traffic, double at, long intended, Semaphore permits) {
    ClientCall<MessageLite, MessageLite> call =
        channel.newCall(
            traffic.method(),
            CallOptions.DEFAULT.withDeadlineAfter(DEADLINE_MILLIS, TimeUnit.MILLISECONDS));
    try {
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              long latency = System.nanoTime() - intended;
              Timeline.Outcome outcome =
                  status.isOk()
                      ? Timeline.Outcome.OK
                      : "1".equals(trailers.get(ScenarioRun.SHED_TRAILER))
                          ? Timeline.Outcome.SHED
                          : Timeline.Outcome.FAILED;
              timeline.closed(stream, at, outcome, latency);
              permits.release();
            }
          },
          copy(traffic.headers()));
      call.request(1);
      call.sendMessage(traffic.request());
      call.halfClose();
    } catch (RuntimeException e) {
      call.cancel("failed to send", e);
    }
  }

  private static Metadata copy(Metadata headers) {
    Metadata m = new Metadata();
    m.merge(headers);
    return m;
  }
}
