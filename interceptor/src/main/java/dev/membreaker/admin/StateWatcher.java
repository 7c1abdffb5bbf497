package dev.membreaker.admin;

import dev.membreaker.admin.v1.StateUpdate;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.breaker.OverrideChange;
import dev.membreaker.breaker.TransitionEvent;
import dev.membreaker.breaker.TransitionListener;
import dev.membreaker.grpc.ShedCounters;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * One WatchState stream. The breaker's listener thread only offers updates to a bounded queue,
 * never waits; updates go out while the stream is ready (HTTP/2 flow control), and the rest when it
 * becomes ready again. A watcher whose queue overflows gets one final "overflow" message and its
 * stream ends, so a slow client never slows the breaker nor grows our memory.
 */
final class StateWatcher implements TransitionListener {

  private final MemoryBreaker breaker;
  private final ShedCounters counters;
  private final java.util.function.IntFunction<ShedCounters> cohortCounters;
  private final Clock clock;
  private final ServerCallStreamObserver<StateUpdate> call;
  private final ArrayBlockingQueue<StateUpdate> queue;
  private final int buffer;
  private volatile boolean done;

  private StateWatcher(
      MemoryBreaker breaker,
      ShedCounters counters,
      java.util.function.IntFunction<ShedCounters> cohortCounters,
      Clock clock,
      ServerCallStreamObserver<StateUpdate> call,
      int buffer) {
    this.breaker = breaker;
    this.counters = counters;
    this.cohortCounters = cohortCounters;
    this.clock = clock;
    this.call = call;
    this.queue = new ArrayBlockingQueue<>(buffer);
    this.buffer = buffer;
  }

  static void start(
      MemoryBreaker breaker,
      ShedCounters counters,
      java.util.function.IntFunction<ShedCounters> cohortCounters,
      Clock clock,
      StreamObserver<StateUpdate> out,
      int buffer) {
    ServerCallStreamObserver<StateUpdate> call = (ServerCallStreamObserver<StateUpdate>) out;
    StateWatcher watcher = new StateWatcher(breaker, counters, cohortCounters, clock, call, buffer);
    call.setOnCancelHandler(watcher::stop);
    call.setOnReadyHandler(watcher::drain);
    StateUpdate first = watcher.currentState();
    watcher.offer(first);
    breaker.addListener(watcher);
    if (breaker.status().transitions() != first.getCurrent().getTransitions()) {
      watcher.offer(watcher.currentState()); // a transition slipped in before we listened
    }
  }

  private StateUpdate currentState() {
    return StateUpdate.newBuilder()
        .setCurrent(StateMessages.state(breaker, counters, cohortCounters, clock))
        .build();
  }

  @Override
  public void onTransition(TransitionEvent event) {
    offer(StateUpdate.newBuilder().setTransition(StateMessages.transition(event)).build());
  }

  @Override
  public void onOverrideChange(OverrideChange change) {
    offer(currentState());
  }

  private void offer(StateUpdate update) {
    if (done) {
      return;
    }
    if (!queue.offer(update)) {
      overflow();
      return;
    }
    drain();
  }

  private synchronized void drain() {
    StateUpdate next;
    while (!done && call.isReady() && (next = queue.poll()) != null) {
      call.onNext(next);
    }
  }

  private synchronized void overflow() {
    if (done) {
      return;
    }
    stop();
    queue.clear();
    call.onNext(
        StateUpdate.newBuilder()
            .setOverflow(
                "this watcher fell more than "
                    + buffer
                    + " updates behind; the stream ends here. Call WatchState again, or GetState.")
            .build());
    call.onCompleted();
  }

  private void stop() {
    done = true;
    breaker.removeListener(this);
  }
}
