package dev.membreaker.benchmarks;

import dev.membreaker.breaker.MemoryBreaker;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * Measures what the running sampler and watchdog threads cost: their CPU time per wall-clock
 * window, as a share of one core, with the default config and the JVM's real sources. The first
 * windows include the interpreter and JIT warm-up (at 20 samples a second the sampler's code takes
 * a while to be compiled); later ones are the steady state.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.SamplerCpu 12 10</pre>
 *
 * (12 windows of 10 seconds).
 */
public final class SamplerCpu {

  private SamplerCpu() {}

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (MemoryBreaker breaker = MemoryBreaker.builder().build().start()) {
      long sampler = threadId(threads, "membreaker-sampler");
      long watchdog = threadId(threads, "membreaker-watchdog");
      long total = 0;
      long totalWall = 0;
      for (int w = 1; w <= windows; w++) {
        long cpu0 = threads.getThreadCpuTime(sampler) + threads.getThreadCpuTime(watchdog);
        long wall0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = threads.getThreadCpuTime(sampler) + threads.getThreadCpuTime(watchdog) - cpu0;
        long wall = System.nanoTime() - wall0;
        System.out.printf(
            "window %2d: sampler+watchdog %.3f ms CPU in %.1f s = %.4f %% of one core%n",
            w, cpu / 1e6, wall / 1e9, 100.0 * cpu / wall);
        if (w > windows / 2) {
          total += cpu;
          totalWall += wall;
        }
      }
      System.out.printf(
          "steady state (second half): %.4f %% of one core at interval %s%n",
          100.0 * total / totalWall, breaker.config().sampleInterval());
    }
  }

  private static long threadId(ThreadMXBean threads, String name) {
    for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
      if (info.getThreadName().equals(name)) {
        return info.getThreadId();
      }
    }
    throw new IllegalStateException("no thread " + name);
  }
}
