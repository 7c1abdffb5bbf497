package dev.membreaker.benchmarks;

import dev.membreaker.breaker.MemoryBreaker;
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
 * One sample on the JVM's real sources with the default config: read every source, update the
 * signals, grade, publish, hot (in a loop; the cgroup files are read every 500 ms only, so their
 * share here is small). In place the sampler polls every 500 ms while calm and every 50 ms near a
 * watermark, and its cost there is dominated by waking up and by cold code: see {@link SamplerCpu}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class SamplerBenchmark {

  private MemoryBreaker breaker;

  @Setup
  public void setUp() {
    breaker = MemoryBreaker.builder().build(); // default sources and config; not started
  }

  @TearDown
  public void tearDown() {
    breaker.close();
  }

  @Benchmark
  public Object evaluateNow() {
    breaker.evaluateNow();
    return breaker.admission();
  }
}
