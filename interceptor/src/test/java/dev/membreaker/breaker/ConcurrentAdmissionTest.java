package dev.membreaker.breaker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Many threads decide and record outcomes while one thread drives transitions and overrides. Every
 * decision must agree with the admission it was made from, and every admission a caller saw must be
 * one the driver published.
 */
class ConcurrentAdmissionTest {

  private static final int DECIDERS = 6;

  @Test
  void decisionsAreAlwaysConsistentWithAPublishedState() throws Exception {
    Harness h =
        new Harness(
            Harness.crisp()
                .openMin(Duration.ofMillis(100))
                .halfOpenRamp(Duration.ofMillis(200))
                .build());
    Map<Long, BreakerState> published = new ConcurrentHashMap<>();
    Map<Long, OverrideMode> overrides = new ConcurrentHashMap<>();
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong decisions = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    List<Admission> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    CountDownLatch started = new CountDownLatch(DECIDERS);
    ExecutorService pool = Executors.newFixedThreadPool(DECIDERS);
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < DECIDERS; t++) {
      Priority priority = Priority.values()[t % 3];
      futures.add(
          pool.submit(
              () -> {
                started.countDown();
                long n = 0;
                Admission last = null;
                while (!done.get() && n < 50_000_000) {
                  Admission a = h.breaker.admission();
                  Decision d = a.decide(priority);
                  double p = a.admitProbability(priority);
                  if (p >= 1 && d != Decision.ADMIT) {
                    throw new AssertionError(d + " with admit probability 1 in " + a);
                  }
                  if (p <= 0 && d == Decision.ADMIT) {
                    throw new AssertionError("ADMIT with admit probability 0 in " + a);
                  }
                  if (a.shadow() && d == Decision.SHED) {
                    throw new AssertionError("SHED under SHADOW in " + a);
                  }
                  h.breaker.recordOutcome(n % 7 == 0 ? 13 : 0, 1000);
                  if (a != last) {
                    seen.add(a);
                    last = a;
                  }
                  n++;
                }
                decisions.addAndGet(n);
                return null;
              }));
    }
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Random random = new Random(42);
    OverrideMode[] modes = OverrideMode.values();
    for (int i = 0; i < 3000; i++) {
      h.live.setPressure(random.nextDouble());
      h.tick();
      if (i % 100 == 99) {
        h.breaker.setOverride(modes[random.nextInt(modes.length)], "stress", null);
      }
      BreakerStatus s = h.breaker.status();
      published.put(s.sampledAtNanos(), s.state());
      overrides.put(s.sampledAtNanos(), s.override());
    }
    done.set(true);
    for (Future<?> f : futures) {
      try {
        f.get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        failures.add(e.getCause());
      }
    }
    pool.shutdown();
    assertThat(failures).isEmpty();
    assertThat(decisions.get()).isGreaterThan(10_000);
    assertThat(h.events.size()).isGreaterThan(30);
    for (Admission a : seen) {
      long at = a.status().sampledAtNanos();
      if (a.status().samplerHealth() == SamplerHealth.NOT_STARTED) {
        continue; // the admission published at construction
      }
      assertThat(published).containsKey(at);
      assertThat(a.status().state()).isEqualTo(published.get(at));
    }
  }

  @Test
  void theSamplerThreadAndCallersRunTogetherWithoutError() throws Exception {
    Harness h =
        new Harness(
            Harness.crisp()
                .sampleInterval(Duration.ofMillis(5))
                .openMin(Duration.ofMillis(20))
                .build());
    MemoryBreaker breaker = h.breaker;
    // Real time for this one: the sampler thread reads the fake ticker, which we move as we go.
    breaker.start();
    try {
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      List<Future<Long>> futures = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        futures.add(
            pool.submit(
                () -> {
                  long n = 0;
                  while (!done.get() && n < 50_000_000) {
                    breaker.decide(Priority.DEFAULT);
                    n++;
                  }
                  return n;
                }));
      }
      Random random = new Random(7);
      for (int i = 0; i < 200; i++) {
        h.live.setPressure(random.nextDouble());
        h.ticker.advanceMillis(5);
        long before = breaker.status().sampledAtNanos();
        h.live.fireChange(); // as a GC notification would: the sampler evaluates at once
        await()
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(1))
            .atMost(Duration.ofSeconds(5))
            .until(() -> breaker.status().sampledAtNanos() != before);
      }
      done.set(true);
      long total = 0;
      for (Future<Long> f : futures) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      pool.shutdown();
      assertThat(total).isPositive();
      assertThat(breaker.status().samplerHealth()).isEqualTo(SamplerHealth.RUNNING);
      assertThat(h.events).isNotEmpty();
    } finally {
      breaker.close();
    }
  }
}
