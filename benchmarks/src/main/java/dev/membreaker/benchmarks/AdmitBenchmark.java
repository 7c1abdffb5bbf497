package dev.membreaker.benchmarks;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import dev.membreaker.testing.FakeMemorySource;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The admit path: membreaker's {@code decide} in HEALTHY (and, for the record, in DEGRADED where a
 * random draw is made) against a plain volatile read and against Resilience4j's {@code
 * tryAcquirePermission} + {@code onSuccess}, the least a Resilience4j-protected call does. Run with
 * {@code -prof gc} to see bytes per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class AdmitBenchmark {

  private volatile Object published = new Object();
  private MemoryBreaker healthy;
  private MemoryBreaker degraded;
  private CircuitBreaker resilience4j;

  @Setup
  public void setUp() {
    healthy = breakerAt(0.30);
    degraded = breakerAt(0.85);
    resilience4j = CircuitBreaker.of("bench", CircuitBreakerConfig.ofDefaults());
  }

  private static MemoryBreaker breakerAt(double pressure) {
    MemoryBreaker b =
        MemoryBreaker.builder()
            .config(BreakerConfig.builder().ewmaAlpha(1.0).build())
            .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, pressure)))
            .build();
    b.evaluateNow();
    return b;
  }

  @TearDown
  public void tearDown() {
    healthy.close();
    degraded.close();
  }

  @Benchmark
  public Object volatileRead() {
    return published;
  }

  @Benchmark
  public Decision membreakerHealthy() {
    return healthy.decide(Priority.DEFAULT);
  }

  @Benchmark
  public Decision membreakerDegradedDefault() {
    return degraded.decide(Priority.DEFAULT);
  }

  @Benchmark
  public boolean resilience4jAcquireAndSuccess() {
    if (resilience4j.tryAcquirePermission()) {
      resilience4j.onSuccess(0, TimeUnit.NANOSECONDS);
      return true;
    }
    return false;
  }
}
