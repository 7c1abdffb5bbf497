package dev.membreaker.actions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DegradationActionsTest {

  private final FakeTicker ticker = new FakeTicker();
  private final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.2);
  private final MemoryBreaker breaker =
      MemoryBreaker.builder()
          .config(
              BreakerConfig.builder()
                  .ewmaAlpha(1.0)
                  .occupancyFloor(1.0)
                  .openMin(Duration.ofSeconds(1))
                  .build())
          .sources(List.of(live))
          .ticker(ticker)
          .listenerExecutor(Runnable::run)
          .build();

  @AfterEach
  void close() {
    breaker.close();
  }

  private void pressure(double p) {
    live.setPressure(p);
    ticker.advanceMillis(50);
    breaker.evaluateNow();
  }

  private void recover() {
    for (int i = 0; i < 5; i++) {
      pressure(0.3);
    }
  }

  @Test
  void memoryReleaseHooksRunOnEveryRiseToWarningOrAboveAndAFailingHookStopsNoOther() {
    AtomicInteger trims = new AtomicInteger();
    MemoryReleaseAction release =
        MemoryReleaseAction.of(
            List.of(
                () -> {
                  throw new IllegalStateException("cache gone");
                },
                trims::incrementAndGet));
    DegradationActions.attach(breaker, List.of(release));
    pressure(0.72); // HEALTHY -> WARNING
    assertThat(trims.get()).isEqualTo(1);
    pressure(0.85); // WARNING -> DEGRADED
    assertThat(trims.get()).isEqualTo(2);
    recover(); // DEGRADED -> HEALTHY: nothing to release
    assertThat(trims.get()).isEqualTo(2);
    assertThat(release.runs()).isEqualTo(2);
    assertThat(release.hookFailures()).isEqualTo(2);
  }

  @Test
  void aThreadPoolShrinksWhileDegradedAndIsRestoredAfter() {
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(8, 8, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    try {
      DegradationActions.attach(breaker, List.of(PoolResizeAction.of(pool, 2)));
      pressure(0.72);
      assertThat(pool.getMaximumPoolSize()).isEqualTo(8);
      pressure(0.85);
      assertThat(pool.getCorePoolSize()).isEqualTo(2);
      assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
      pressure(0.95); // OPEN: still shrunk
      assertThat(pool.getMaximumPoolSize()).isEqualTo(2);
      ticker.advance(Duration.ofSeconds(1));
      pressure(0.3); // HALF_OPEN
      assertThat(breaker.status().state()).isEqualTo(BreakerState.HALF_OPEN);
      for (int i = 0; i < 220; i++) {
        pressure(0.3); // ramp done: HEALTHY
      }
      assertThat(breaker.status().state()).isEqualTo(BreakerState.HEALTHY);
      assertThat(pool.getCorePoolSize()).isEqualTo(8);
      assertThat(pool.getMaximumPoolSize()).isEqualTo(8);
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aHeapDumpIsWrittenOnTheFirstOpenAndRateLimited(@TempDir Path dir) throws Exception {
    List<Path> written = new java.util.concurrent.CopyOnWriteArrayList<>();
    HeapDumpAction dump =
        HeapDumpAction.of(
            dir,
            Duration.ofMinutes(10),
            ticker,
            file -> {
              Files.writeString(file, "dump");
              written.add(file);
            });
    DegradationActions.attach(breaker, List.of(dump));
    pressure(0.85);
    assertThat(written).isEmpty(); // DEGRADED is not OPEN
    pressure(0.95);
    await().atMost(Duration.ofSeconds(10)).until(() -> dump.dumps() == 1);
    assertThat(written.get(0)).hasParent(dir).exists();
    ticker.advance(Duration.ofSeconds(1));
    pressure(0.68); // open time up, memory under warning: HALF_OPEN
    assertThat(breaker.status().state()).isEqualTo(BreakerState.HALF_OPEN);
    pressure(0.95); // relapse: OPEN again, within the rate limit
    ticker.advance(Duration.ofSeconds(2));
    pressure(0.68);
    pressure(0.95);
    assertThat(dump.dumps()).isEqualTo(1);
    ticker.advance(Duration.ofMinutes(11));
    pressure(0.68); // HALF_OPEN
    pressure(0.95); // OPEN, past the limit
    await().atMost(Duration.ofSeconds(10)).until(() -> dump.dumps() == 2);
  }

  @Test
  void aThrowingActionIsCountedAndTheOthersStillRun() {
    List<String> seen = new ArrayList<>();
    DegradationAction broken =
        new DegradationAction() {
          @Override
          public String name() {
            return "broken";
          }

          @Override
          public void onLevelChange(
              BreakerState from, BreakerState to, dev.membreaker.breaker.BreakerStatus s) {
            throw new IllegalStateException("bug");
          }
        };
    DegradationAction recorder =
        new DegradationAction() {
          @Override
          public String name() {
            return "recorder";
          }

          @Override
          public void onLevelChange(
              BreakerState from, BreakerState to, dev.membreaker.breaker.BreakerStatus s) {
            seen.add(from + ">" + to);
          }
        };
    DegradationActions actions = DegradationActions.attach(breaker, List.of(broken, recorder));
    pressure(0.72);
    pressure(0.85);
    assertThat(seen).containsExactly("HEALTHY>WARNING", "WARNING>DEGRADED");
    assertThat(actions.failures("broken")).isEqualTo(2);
    assertThat(actions.failures("recorder")).isZero();
  }
}
