package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random calls against a real server, ending every way a call can end, and the
 * in-flight account back at zero afterwards: every byte added was removed exactly once. The paths:
 * normal end, client cancel mid-request, deadline mid-request, a handler error, shed (the breaker
 * went DEGRADED and back under the calls), a request cut while it arrived (a small budget), a
 * response stream ended for a client that does not read, and transport errors (channels shut down
 * with calls in flight). Each path is counted, so the test fails if one stops happening. Random
 * calls give the mix; each path also has calls that take it whatever the timing (a request larger
 * than the budget, a flood on a fixed client window, a call held open when its channel is shut
 * down), so a fast or a slow machine cannot leave a path untaken.
 */
class InFlightAccountOverGrpcTest {

  private static final int CALLS = 3000;
  private static final int CONCURRENCY = 24;

  /** The kind of call that is larger than the whole in-flight budget. */
  private static final int OVERSIZED = 8;

  /** The kind of call that is small and CRITICAL: never refused, so it ends OK. */
  private static final int PAYMENT = 9;

  @Test
  void everyByteAddedIsRemovedOnceWhateverEndsTheCall() throws Exception {
    // The breaker goes DEGRADED and back, as this test means it to, and never OPEN: the jumps
    // between 0.2 and 0.85 are steps, not growth (no projection), and the failures this test makes
    // on purpose are not outcomes that trip it (DATA_LOSS, which it never makes, is the only one).
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .exhaustionWarningHorizon(Duration.ZERO)
            .exhaustionOpenHorizon(Duration.ZERO)
            .failureCodes(java.util.Set.of(Status.Code.DATA_LOSS.value()))
            .recoverTime(Duration.ZERO)
            .inFlightBudgetBytes(1 << 20)
            .maxQueuedBytesPerCall(256 << 10)
            .build();
    try (GrpcHarness h =
        new GrpcHarness(config, b -> {}, cb -> cb.maxInboundMessageSize(16 << 20))) {
      Map<Status.Code, AtomicInteger> ends = new ConcurrentHashMap<>();
      AtomicLong peak = new AtomicLong();
      Random random = new Random(20261129);
      Semaphore slots = new Semaphore(CONCURRENCY);
      CountDownLatch done = new CountDownLatch(CALLS);
      ManagedChannel doomed = channel(h);
      // A fixed window (no auto-tuning) for the floods: what their clients leave unread stays
      // queued
      // on the server, however large the machine's loopback buffers are.
      ManagedChannel fixedWindow =
          NettyChannelBuilder.forAddress("127.0.0.1", h.server.getPort())
              .usePlaintext()
              .maxInboundMessageSize(16 << 20)
              .flowControlWindow(64 << 10)
              .build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      for (int i = 0; i < CALLS && System.nanoTime() < deadline; i++) {
        if (!slots.tryAcquire(10, TimeUnit.SECONDS)) {
          throw new AssertionError("calls did not finish");
        }
        if (i % 100 == 0) { // DEGRADED now and then: SHEDDABLE calls (Report, Upload) are shed
          boolean degrade = i % 300 == 0;
          for (int sample = 0; sample < 6; sample++) {
            h.pressure(degrade ? 0.85 : 0.2);
          }
          // The bytes in flight drive levels too, so the heap's 0.2 may still leave it DEGRADED.
          assertThat(h.breaker.status().state())
              .as("after call %s: %s", i, h.breaker.status())
              .isIn(
                  degrade
                      ? List.of(BreakerState.DEGRADED)
                      : List.of(BreakerState.HEALTHY, BreakerState.WARNING, BreakerState.DEGRADED));
        }
        if (i % 300 == 150) { // a transport error under the calls of one channel (heap at 0.2)
          holdOpen(h, doomed, ends);
          doomed.shutdownNow();
          doomed = channel(h);
        }
        int kind = i % 100 == 25 ? PAYMENT : i % 100 == 50 ? OVERSIZED : random.nextInt(8);
        ManagedChannel ch = kind == 7 ? doomed : kind == 6 ? fixedWindow : h.channel;
        startCall(
            ch,
            kind,
            random,
            ends,
            () -> {
              peak.accumulateAndGet(h.breaker.inFlight().bytes(), Math::max);
              slots.release();
              done.countDown();
            });
      }
      assertThat(done.await(60, TimeUnit.SECONDS)).as("every call closed on the client").isTrue();
      doomed.shutdownNow();
      fixedWindow.shutdownNow();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(h.breaker.inFlight().bytes()).as("bytes in flight").isZero());

      assertThat(peak.get()).as("the account held bytes while calls ran").isPositive();
      assertThat(count(ends, Status.Code.OK)).as("normal ends in %s", ends).isPositive();
      assertThat(count(ends, Status.Code.CANCELLED)).as("client cancels and resets").isPositive();
      assertThat(count(ends, Status.Code.DEADLINE_EXCEEDED)).as("deadlines").isPositive();
      assertThat(count(ends, Status.Code.INTERNAL)).as("handler errors").isPositive();
      assertThat(count(ends, Status.Code.UNAVAILABLE))
          .as("transport errors in %s", ends)
          .isPositive();
      assertThat(count(ends, Status.Code.RESOURCE_EXHAUSTED)).as("sheds and cuts").isPositive();
      assertThat(h.interceptor.requestsCut())
          .as("requests cut while they arrived (peak %s)", peak)
          .isPositive();
      assertThat(h.interceptor.slowReadersEnded())
          .as("streams ended for a client that does not read")
          .isPositive();
    }
  }

  @Test
  void aLargeRequestIsRefusedWhileItArrivesBeforeTheHandlerSeesIt() throws Exception {
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .inFlightBudgetBytes(1 << 20)
            .build();
    try (GrpcHarness h =
        new GrpcHarness(config, b -> {}, cb -> cb.maxInboundMessageSize(16 << 20))) {
      io.grpc.StatusRuntimeException refused =
          refusal(() -> h.call(TestService.REPORT, "x".repeat(4 << 20)));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription()).contains("request refused while it arrived");
      assertThat(h.service.runs(TestService.REPORT)).as("the handler never ran").isZero();
      assertThat(h.interceptor.requestsCut()).isEqualTo(1);
      assertThat(h.call(TestService.PAY, "y".repeat(1000)))
          .as("small calls go on")
          .isEqualTo("Pay:1000");
      await().atMost(Duration.ofSeconds(5)).until(() -> h.breaker.inFlight().bytes() == 0);
    }
  }

  @Test
  void bytesAClientLeavesUnreadRefuseNewCallsButNotCriticalOnes() throws Exception {
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .inFlightBudgetBytes(1 << 20)
            .maxQueuedBytesPerCall(BreakerConfig.QUEUE_LIMIT_OFF)
            .build();
    // A fixed client window (no auto-tuning): what the client does not read stays on the server.
    try (GrpcHarness h =
        new GrpcHarness(
            config,
            b -> {},
            cb -> cb.maxInboundMessageSize(16 << 20).flowControlWindow(64 << 10))) {
      ClientCall<String, String> unread =
          h.channel.newCall(
              TestService.FLOOD, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
      CountDownLatch closed = new CountDownLatch(1);
      unread.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              closed.countDown();
            }
          },
          new Metadata());
      unread.request(1);
      unread.sendMessage("128:32768"); // 4 MiB, read: one message
      unread.halfClose();
      await().atMost(Duration.ofSeconds(5)).until(() -> h.breaker.inFlight().bytes() >= (1 << 20));

      io.grpc.StatusRuntimeException shed = refusal(() -> h.call(TestService.REPORT, "r"));
      assertThat(shed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(shed.getStatus().getDescription()).contains("bytes in flight");
      assertThat(h.call(TestService.PAY, "p"))
          .as("CRITICAL calls are never refused for their start")
          .isEqualTo("Pay:1");

      unread.cancel("done", null);
      assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> h.breaker.inFlight().bytes() == 0);
    }
  }

  @Test
  void aStreamWhoseClientDoesNotReadIsEndedAndStopsGrowing() throws Exception {
    BreakerConfig config =
        BreakerConfig.builder()
            .ewmaAlpha(1.0)
            .occupancyFloor(1.0)
            .inFlightBudgetBytes(64 << 20)
            .maxQueuedBytesPerCall(256 << 10)
            .build();
    // A fixed client window (no auto-tuning): what the client does not read stays on the server.
    try (GrpcHarness h =
        new GrpcHarness(
            config,
            b -> {},
            cb -> cb.maxInboundMessageSize(16 << 20).flowControlWindow(64 << 10))) {
      ClientCall<String, String> unread =
          h.channel.newCall(
              TestService.FLOOD, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
      java.util.concurrent.atomic.AtomicReference<Status> end =
          new java.util.concurrent.atomic.AtomicReference<>();
      CountDownLatch closed = new CountDownLatch(1);
      unread.start(
          new ClientCall.Listener<>() {
            @Override
            public void onClose(Status status, Metadata trailers) {
              end.set(status);
              closed.countDown();
            }
          },
          new Metadata());
      unread.request(1);
      unread.sendMessage("256:32768"); // 8 MiB, read: one message
      unread.halfClose();
      // The server ended the call once 256 KiB were queued: the handler stopped writing, so what
      // the server holds for this client stays near the limit instead of the 8 MiB it would write.
      await().atMost(Duration.ofSeconds(10)).until(() -> h.interceptor.slowReadersEnded() == 1);
      long held = h.breaker.inFlight().bytes();
      assertThat(held).isBetween(256L << 10, (256L + 64) << 10);
      assertThat(h.call(TestService.QUOTE, "q")).as("other calls go on").isEqualTo("Quote:1");
      // The client gets RESOURCE_EXHAUSTED once it reads what was queued; then nothing is held.
      unread.request(Integer.MAX_VALUE);
      assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(end.get().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(end.get().getDescription()).contains("not reading them");
      await().atMost(Duration.ofSeconds(5)).until(() -> h.breaker.inFlight().bytes() == 0);
    }
  }

  private static io.grpc.StatusRuntimeException refusal(Runnable call) {
    try {
      call.run();
    } catch (io.grpc.StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded");
  }

  /**
   * Starts bidi calls on {@code ch} that stay open (no half-close) until one is answered: that one
   * is in flight when the channel is shut down next, so it ends UNAVAILABLE. One refused at its
   * start (the bytes in flight had the breaker DEGRADED) ends RESOURCE_EXHAUSTED; the breaker takes
   * a sample, as its sampler would, and the next is tried.
   */
  private static void holdOpen(
      GrpcHarness h, ManagedChannel ch, Map<Status.Code, AtomicInteger> ends)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      ClientCall<String, String> call =
          ch.newCall(TestService.CHAT, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
      CountDownLatch settled = new CountDownLatch(1);
      AtomicInteger answered = new AtomicInteger();
      call.start(
          new ClientCall.Listener<>() {
            @Override
            public void onMessage(String message) {
              answered.set(1);
              settled.countDown();
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
              ends.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).incrementAndGet();
              settled.countDown();
            }
          },
          new Metadata());
      call.request(1);
      call.sendMessage("held");
      if (settled.await(5, TimeUnit.SECONDS) && answered.get() == 1) {
        return;
      }
      h.pressure(0.2);
    }
    throw new AssertionError("no call could be held open for 10 s: " + ends);
  }

  private static long count(Map<Status.Code, AtomicInteger> ends, Status.Code code) {
    AtomicInteger n = ends.get(code);
    return n == null ? 0 : n.get();
  }

  private static ManagedChannel channel(GrpcHarness h) {
    return NettyChannelBuilder.forAddress("127.0.0.1", h.server.getPort())
        .usePlaintext()
        .maxInboundMessageSize(16 << 20)
        .build();
  }

  /** Starts one call of {@code kind}; {@code closed} runs once when it ends, whatever the end. */
  private static void startCall(
      ManagedChannel ch,
      int kind,
      Random random,
      Map<Status.Code, AtomicInteger> ends,
      Runnable closed) {
    MethodDescriptor<String, String> method;
    String request;
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS);
    int messages = 1;
    boolean cancelEarly = false;
    int read = Integer.MAX_VALUE;
    Metadata headers = new Metadata();
    switch (kind) {
      case 0: // a unary call, small or large (large ones are cut when the account is full)
        method = random.nextBoolean() ? TestService.REPORT : TestService.QUOTE;
        request = "r".repeat(random.nextInt(1 << 20));
        break;
      case 1: // a deadline that passes while the request arrives
        method = TestService.REPORT;
        request = "d".repeat(1 << 20);
        options =
            CallOptions.DEFAULT.withDeadlineAfter(1 + random.nextInt(3), TimeUnit.MILLISECONDS);
        break;
      case 2: // the client cancels while its request is on the way
        method = TestService.QUOTE;
        request = "c".repeat(1 << 20);
        cancelEarly = true;
        break;
      case 3: // the handler fails
        method = TestService.FAIL;
        request = "f".repeat(random.nextInt(64 << 10));
        break;
      case 4: // a client stream of several messages
        method = TestService.UPLOAD;
        request = "u".repeat(random.nextInt(128 << 10));
        messages = 1 + random.nextInt(5);
        break;
      case 5: // bidi
        method = TestService.CHAT;
        request = "b".repeat(random.nextInt(32 << 10));
        messages = 1 + random.nextInt(4);
        break;
      case 6: // a response stream of 2 MiB whose client reads one message and then nothing
        method = TestService.FLOOD;
        request = "64:32768";
        read = 1;
        // Ended on the server at once (its handler writes it all); what it left queued counts
        // against the account until the deadline frees it, so the deadline is short.
        options =
            CallOptions.DEFAULT.withDeadlineAfter(200 + random.nextInt(200), TimeUnit.MILLISECONDS);
        break;
      case PAYMENT: // small and CRITICAL: admitted whatever the state and the account
        method = TestService.PAY;
        request = "p".repeat(1 + random.nextInt(1000));
        break;
      case OVERSIZED: // larger than the whole budget: always cut while it arrives
        method = TestService.QUOTE;
        request = "o".repeat(2 << 20);
        break;
      default: // on the channel that is shut down now and then
        method = TestService.REPORT;
        request = "t".repeat(random.nextInt(512 << 10));
        break;
    }
    ClientCall<String, String> call = ch.newCall(method, options);
    int reads = read;
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            ends.computeIfAbsent(status.getCode(), c -> new AtomicInteger()).incrementAndGet();
            closed.run();
          }
        },
        headers);
    call.request(reads == Integer.MAX_VALUE ? 1000 : reads);
    try {
      for (int m = 0; m < messages; m++) {
        call.sendMessage(request);
      }
      if (cancelEarly) {
        call.cancel("the client gives up", null);
      } else {
        call.halfClose();
      }
    } catch (RuntimeException e) {
      call.cancel("failed to send", e);
    }
  }
}
