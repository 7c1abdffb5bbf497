package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.actions.DegradationActions;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;

/** A real grpc.health.v1 Watch sees the drain on OPEN and the return when OPEN ends. */
class HealthDrainOverGrpcTest {

  @Test
  void openDrainsTheServiceAfterItsDwellAndLeavingOpenRestoresIt() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (GrpcHarness h = new GrpcHarness(
        BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).openMin(Duration.ofSeconds(5)).build(), b -> {})) {
      h.health.setStatus(TestService.SERVICE, ServingStatus.SERVING);
      DegradationActions.attach(h.breaker, List.of(HealthDrainAction.of(
          h.breaker, h.health, List.of(TestService.SERVICE), Duration.ofMillis(200), Duration.ofMillis(100), scheduler)));
      List<ServingStatus> seen = new CopyOnWriteArrayList<>();
      HealthGrpc.newStub(h.channel).watch(
          HealthCheckRequest.newBuilder().setService(TestService.SERVICE).build(),
          new StreamObserver<HealthCheckResponse>() {
            @Override public void onNext(HealthCheckResponse r) { seen.add(r.getStatus()); }
            @Override public void onError(Throwable t) {}
            @Override public void onCompleted() {}
          });
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.equals(List.of(ServingStatus.SERVING)));

      long openedAt = System.nanoTime();
      h.pressure(0.95);
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.contains(ServingStatus.NOT_SERVING));
      assertThat((System.nanoTime() - openedAt) / 1_000_000L).as("drained after the dwell").isGreaterThanOrEqualTo(200);

      h.ticker.advance(Duration.ofSeconds(5));
      h.pressure(0.30);
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.HALF_OPEN);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
      assertThat(seen).containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void anOpenShorterThanTheDwellDrainsNothing() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (GrpcHarness h = new GrpcHarness(
        BreakerConfig.builder().ewmaAlpha(1.0).occupancyFloor(1.0).openMin(Duration.ofMillis(100)).build(), b -> {})) {
      h.health.setStatus(TestService.SERVICE, ServingStatus.SERVING);
      DegradationActions.attach(h.breaker, List.of(HealthDrainAction.of(
          h.breaker, h.health, List.of(TestService.SERVICE), Duration.ofMillis(500), Duration.ZERO, scheduler)));
      h.pressure(0.95);
      h.ticker.advance(Duration.ofMillis(100));
      h.pressure(0.30); // HALF_OPEN before the dwell is over
      java.util.concurrent.ScheduledFuture<?> later = scheduler.schedule(() -> {}, 700, java.util.concurrent.TimeUnit.MILLISECONDS);
      later.get();
      ServingStatus now = HealthGrpc.newBlockingStub(h.channel)
          .check(HealthCheckRequest.newBuilder().setService(TestService.SERVICE).build()).getStatus();
      assertThat(now).isEqualTo(ServingStatus.SERVING);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
