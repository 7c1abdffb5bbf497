package dev.membreaker.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.actions.DegradationActions;
import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.testing.FakeScheduler;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A real grpc.health.v1 Watch sees the drain on OPEN and the return when OPEN ends. The dwell is
 * timed by a fake scheduler on the breaker's fake clock, so the test moves time instead of waiting.
 */
class HealthDrainOverGrpcTest {

  private static ServingStatus check(GrpcHarness h) {
    return HealthGrpc.newBlockingStub(h.channel)
        .check(HealthCheckRequest.newBuilder().setService(TestService.SERVICE).build())
        .getStatus();
  }

  @Test
  void openDrainsTheServiceAfterItsDwellAndLeavingOpenRestoresIt() throws Exception {
    try (GrpcHarness h =
        new GrpcHarness(
            BreakerConfig.builder()
                .ewmaAlpha(1.0)
                .occupancyFloor(1.0)
                .openMin(Duration.ofSeconds(5))
                .build(),
            b -> {})) {
      FakeScheduler scheduler = new FakeScheduler(h.ticker);
      h.health.setStatus(TestService.SERVICE, ServingStatus.SERVING);
      DegradationActions.attach(
          h.breaker,
          List.of(
              HealthDrainAction.of(
                  h.breaker,
                  h.health,
                  List.of(TestService.SERVICE),
                  Duration.ofMillis(200),
                  Duration.ofMillis(100),
                  scheduler)));
      List<ServingStatus> seen = new CopyOnWriteArrayList<>();
      HealthGrpc.newStub(h.channel)
          .watch(
              HealthCheckRequest.newBuilder().setService(TestService.SERVICE).build(),
              new StreamObserver<HealthCheckResponse>() {
                @Override
                public void onNext(HealthCheckResponse r) {
                  seen.add(r.getStatus());
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              });
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> seen.equals(List.of(ServingStatus.SERVING)));

      h.pressure(0.95);
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.OPEN);
      assertThat(scheduler.advance(Duration.ofMillis(199)))
          .as("nothing due before the dwell")
          .isZero();
      assertThat(check(h)).isEqualTo(ServingStatus.SERVING);
      assertThat(scheduler.advance(Duration.ofMillis(101)))
          .as("due by dwell + jitter")
          .isEqualTo(1);
      assertThat(check(h)).isEqualTo(ServingStatus.NOT_SERVING);

      h.ticker.advance(Duration.ofSeconds(5));
      h.pressure(0.30);
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.HALF_OPEN);
      await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 3);
      assertThat(seen)
          .containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING, ServingStatus.SERVING);
    }
  }

  @Test
  void anOpenShorterThanTheDwellDrainsNothing() throws Exception {
    try (GrpcHarness h =
        new GrpcHarness(
            BreakerConfig.builder()
                .ewmaAlpha(1.0)
                .occupancyFloor(1.0)
                .openMin(Duration.ofMillis(100))
                .build(),
            b -> {})) {
      FakeScheduler scheduler = new FakeScheduler(h.ticker);
      h.health.setStatus(TestService.SERVICE, ServingStatus.SERVING);
      DegradationActions.attach(
          h.breaker,
          List.of(
              HealthDrainAction.of(
                  h.breaker,
                  h.health,
                  List.of(TestService.SERVICE),
                  Duration.ofMillis(500),
                  Duration.ZERO,
                  scheduler)));
      h.pressure(0.95);
      assertThat(scheduler.pendingTasks()).as("the drain is scheduled").isEqualTo(1);
      h.ticker.advance(Duration.ofMillis(100));
      h.pressure(0.30); // HALF_OPEN before the dwell is over
      assertThat(h.breaker.status().state()).isEqualTo(BreakerState.HALF_OPEN);
      assertThat(scheduler.advance(Duration.ofSeconds(1)))
          .as("the drain came due and ran")
          .isEqualTo(1);
      assertThat(check(h)).isEqualTo(ServingStatus.SERVING);
    }
  }
}
