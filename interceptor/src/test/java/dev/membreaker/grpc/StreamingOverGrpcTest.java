package dev.membreaker.grpc;

import static dev.membreaker.grpc.AdmissionOverGrpcTest.catchStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Streams: admission at start, inbound flow control held while DEGRADED, size-aware refusal. */
class StreamingOverGrpcTest {

  private GrpcHarness h;

  @AfterEach
  void close() {
    if (h != null) {
      h.close();
    }
  }

  @Test
  void bidiAndServerStreamsAreShedAtStartInOpenAndAdmittedInHealthy() throws Exception {
    h = new GrpcHarness();
    h.pressure(0.93);
    assertThat(chat("hi")).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    StatusRuntimeException feed = catchStatus(() -> feed().forEachRemaining(x -> {}));
    assertThat(feed.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(h.service.runs(TestService.CHAT)).isZero();
    assertThat(h.service.runs(TestService.FEED)).isZero();

    h.breaker.setOverride(
        dev.membreaker.breaker.OverrideMode.FORCED_CLOSED, "healthy for the test", null);
    assertThat(chat("hi")).isEqualTo(Status.Code.OK);
    List<String> items = new ArrayList<>();
    feed().forEachRemaining(items::add);
    assertThat(items).containsExactly("item0", "item1", "item2");
  }

  private Iterator<String> feed() {
    return ClientCalls.blockingServerStreamingCall(
        h.channel,
        TestService.FEED,
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
        "f");
  }

  private Status.Code chat(String message) throws Exception {
    CompletableFuture<Status.Code> done = new CompletableFuture<>();
    StreamObserver<String> requests =
        ClientCalls.asyncBidiStreamingCall(
            h.channel.newCall(
                TestService.CHAT, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS)),
            new StreamObserver<String>() {
              @Override
              public void onNext(String value) {}

              @Override
              public void onError(Throwable t) {
                done.complete(Status.fromThrowable(t).getCode());
              }

              @Override
              public void onCompleted() {
                done.complete(Status.Code.OK);
              }
            });
    requests.onNext(message);
    requests.onCompleted();
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSheddableClientStreamIsHeldByFlowControlWhileDegradedAndResumesAfterRecovery()
      throws Exception {
    h = new GrpcHarness();
    h.pressure(0.30);
    ClientCall<String, String> call =
        h.channel.newCall(
            TestService.UPLOAD, CallOptions.DEFAULT.withDeadlineAfter(60, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    java.util.concurrent.Semaphore ready = new java.util.concurrent.Semaphore(0);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }

          @Override
          public void onReady() {
            ready.release();
          }
        },
        new Metadata());
    call.request(1);
    String chunk = "x".repeat(32 * 1024);
    for (int i = 0; i < 10; i++) {
      call.sendMessage(chunk);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> h.service.uploadedMessages.get() == 10);

    h.pressure(0.85); // DEGRADED: the server stops asking for messages
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.DEGRADED);
    int sent = 0;
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < end && sent < 4000) { // bounded: 4000 x 32 KiB at most
      if (!call.isReady()) {
        ready.drainPermits();
        // Not ready: the transport is draining or the window is full. Full if it stays so.
        if (!call.isReady() && !ready.tryAcquire(500, TimeUnit.MILLISECONDS)) {
          break;
        }
        continue;
      }
      call.sendMessage(chunk);
      sent++;
    }
    sentCount = sent;
    assertThat(call.isReady()).as("client isReady after %d messages", sent).isFalse();
    int delivered = h.service.uploadedMessages.get();
    assertThat(delivered).isLessThanOrEqualTo(12); // at most what was asked for before DEGRADED
    assertThat(h.interceptor.heldStreamsForTest()).isEqualTo(1);

    for (int i = 0; i < 5; i++) {
      h.pressure(0.30); // recover: five samples below recover
    }
    assertThat(h.breaker.status().state()).isEqualTo(BreakerState.HEALTHY);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.service.uploadedMessages.get() == 10 + sent());
    call.halfClose();
    assertThat(closed.get(20, TimeUnit.SECONDS).getCode()).isEqualTo(Status.Code.OK);
    assertThat(h.interceptor.heldStreamsForTest()).isZero();
  }

  private int sentCount;

  private int sent() {
    return sentCount;
  }

  @Test
  void aLargeRequestUnderDegradedIsRefusedBeforeItsHandlerRuns() throws Exception {
    h =
        new GrpcHarness(
            BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).build(),
            b -> b.maxRequestBytes(64 * 1024));
    String large = "y".repeat(200 * 1024);
    h.pressure(0.30);
    assertThat(h.call(TestService.PAY, large)).isEqualTo("Pay:" + large.length()); // HEALTHY: fine
    h.pressure(0.85);
    StatusRuntimeException e = catchStatus(() -> h.call(TestService.PAY, large));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("over max_request_bytes (65536)");
    assertThat(e.getTrailers().get(MemoryBreakerServerInterceptor.STATE_KEY)).isEqualTo("DEGRADED");
    assertThat(h.service.runs(TestService.PAY)).isEqualTo(1);
    assertThat(h.call(TestService.PAY, "small")).isEqualTo("Pay:5");
  }
}
