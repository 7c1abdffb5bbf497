package dev.membreaker.load;

import dev.membreaker.admin.v1.BreakerAdminGrpc;
import dev.membreaker.admin.v1.StateUpdate;
import dev.membreaker.admin.v1.WatchStateRequest;
import dev.membreaker.text.HostPort;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * With {@code --admin}: watches the target's breaker (WatchState) during the run, and reports the
 * transitions, the time in each state, and how long the breaker took to come back to HEALTHY.
 */
final class BreakerWatch implements AutoCloseable {

  /** One state the breaker entered, when (ticker of this process). */
  record Entered(long nanos, dev.membreaker.admin.v1.State state, String cause) {}

  private final ManagedChannel channel;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private final List<Entered> entered = new CopyOnWriteArrayList<>();
  private final CountDownLatch first = new CountDownLatch(1);
  private final Thread thread;

  private BreakerWatch(String target) {
    HostPort admin = LoadCommand.hostPort(target, "--admin");
    channel = NettyChannelBuilder.forAddress(admin.host(), admin.port()).usePlaintext().build();
    thread = new Thread(this::run, "load-breaker-watch");
    thread.setDaemon(true);
  }

  /** Connects and waits (up to 10 s) for the breaker's current state. */
  static BreakerWatch start(String target) throws InterruptedException {
    BreakerWatch w = new BreakerWatch(target);
    w.thread.start();
    if (!w.first.await(10, TimeUnit.SECONDS) || w.entered.isEmpty()) {
      w.close();
      throw new LoadException(
          2, "--admin " + target + ": no state from the admin service's WatchState");
    }
    return w;
  }

  private void run() {
    context.run(
        () -> {
          try {
            Iterator<StateUpdate> updates =
                BreakerAdminGrpc.newBlockingStub(channel)
                    .watchState(WatchStateRequest.getDefaultInstance());
            while (updates.hasNext()) {
              StateUpdate u = updates.next();
              long now = System.nanoTime();
              if (u.hasCurrent() && entered.isEmpty()) {
                entered.add(new Entered(now, u.getCurrent().getState(), "current"));
              } else if (u.hasTransition()) {
                entered.add(
                    new Entered(now, u.getTransition().getTo(), u.getTransition().getCause()));
              }
              first.countDown();
            }
          } catch (StatusRuntimeException e) {
            first.countDown(); // cancelled at close, or the admin service went away
          }
        });
  }

  /**
   * The transitions heard during the run: seconds since {@code startNanos}, and the state entered.
   */
  List<java.util.Map.Entry<Double, String>> transitions(long startNanos) {
    List<java.util.Map.Entry<Double, String>> out = new ArrayList<>();
    for (int i = 1; i < entered.size(); i++) {
      Entered e = entered.get(i);
      out.add(java.util.Map.entry(Math.max(0, e.nanos() - startNanos) / 1e9, e.state().name()));
    }
    return out;
  }

  /**
   * The breaker section of the report, times relative to {@code startNanos}, up to {@code
   * endNanos}.
   */
  String report(long startNanos, long endNanos, long firstShedNanos) {
    StringBuilder b = new StringBuilder("\nBreaker (--admin):\n");
    b.append(
        String.format(
            Locale.ROOT,
            "  First shed:\t%s%n",
            firstShedNanos < 0 ? "none" : "after " + Reports.time(firstShedNanos - startNanos)));
    Map<dev.membreaker.admin.v1.State, Long> time =
        new EnumMap<>(dev.membreaker.admin.v1.State.class);
    List<Entered> all = new ArrayList<>(entered);
    long backToHealthy = -1;
    boolean left = false;
    for (int i = 0; i < all.size(); i++) {
      Entered e = all.get(i);
      long from = Math.max(startNanos, e.nanos());
      long to = i + 1 < all.size() ? Math.min(endNanos, all.get(i + 1).nanos()) : endNanos;
      if (to > from) {
        time.merge(e.state(), to - from, Long::sum);
      }
      if (i > 0) {
        b.append(
            String.format(
                Locale.ROOT,
                "  %8s\t-> %s (%s)%n",
                Reports.time(Math.max(0, e.nanos() - startNanos)),
                e.state(),
                e.cause()));
      }
      if (e.state() != dev.membreaker.admin.v1.State.HEALTHY
          && e.state() != dev.membreaker.admin.v1.State.WARNING) {
        left = true;
      } else if (left && e.state() == dev.membreaker.admin.v1.State.HEALTHY && backToHealthy < 0) {
        backToHealthy = e.nanos() - startNanos;
      }
    }
    time.forEach(
        (state, nanos) ->
            b.append(
                String.format(Locale.ROOT, "  Time in %s:\t%s%n", state, Reports.time(nanos))));
    if (left) {
      b.append(
          String.format(
              Locale.ROOT,
              "  Back to HEALTHY:\t%s%n",
              backToHealthy < 0 ? "not within the run" : "after " + Reports.time(backToHealthy)));
    }
    return b.toString();
  }

  @Override
  public void close() {
    context.cancel(null);
    channel.shutdownNow();
  }
}
