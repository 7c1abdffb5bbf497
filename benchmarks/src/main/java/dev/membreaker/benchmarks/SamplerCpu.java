package dev.membreaker.benchmarks;

import dev.membreaker.breaker.BreakerState;
import dev.membreaker.breaker.MemoryBreaker;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * What the running sampler and watchdog threads cost, in place: their CPU time per wall-clock
 * window, as a share of one core, with the default config and the JVM's real sources. Beside it, in
 * the same windows, the wake-up floor: a thread that does nothing but park for 50 ms (what {@link
 * WakeupFloor} measures alone), since on a virtual machine waking a thread can cost more than the
 * sample itself. With {@code sawtooth}, a thread allocates garbage at a steady rate so that
 * collections, and their notifications, keep coming; the breaker must stay HEALTHY and the
 * notifications must not cost more than the polls they replace. The first windows include the
 * interpreter and JIT warm-up; the second half is reported as the steady state.
 *
 * <pre>
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.SamplerCpu 8 30 calm
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.SamplerCpu 8 30 sawtooth
 * </pre>
 */
public final class SamplerCpu {

  private static final int GARBAGE_MIB_PER_SECOND = 250;
  private static volatile Object sink;

  private SamplerCpu() {}

  public static void main(String[] args) throws Exception {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 8;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    boolean sawtooth = args.length > 2 && args[2].equals("sawtooth");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Thread floor =
        daemon(
            () -> {
              while (true) {
                LockSupport.parkNanos(50_000_000L);
              }
            },
            "wakeup-floor");
    if (sawtooth) {
      daemon(SamplerCpu::allocateGarbage, "garbage").start();
    }
    floor.start();
    try (MemoryBreaker breaker = MemoryBreaker.builder().build().start()) {
      long sampler = threadId(threads, "membreaker-sampler");
      long watchdog = threadId(threads, "membreaker-watchdog");
      long cpuSum = 0;
      long floorSum = 0;
      long wallSum = 0;
      boolean healthy = true;
      for (int w = 1; w <= windows; w++) {
        long cpu0 = threads.getThreadCpuTime(sampler) + threads.getThreadCpuTime(watchdog);
        long floor0 = threads.getThreadCpuTime(floor.getId());
        long gc0 = collections();
        long transitions0 = breaker.status().transitions();
        long wall0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long cpu = threads.getThreadCpuTime(sampler) + threads.getThreadCpuTime(watchdog) - cpu0;
        long floorCpu = threads.getThreadCpuTime(floor.getId()) - floor0;
        long wall = System.nanoTime() - wall0;
        long gcs = collections() - gc0;
        healthy &=
            breaker.status().state() == BreakerState.HEALTHY
                && breaker.status().transitions() == transitions0;
        System.out.printf(
            "window %2d: sampler+watchdog %.4f %%  wake-up floor %.4f %%  of one core;"
                + " %.1f collections/s; %s, live %.3f%n",
            w,
            100.0 * cpu / wall,
            100.0 * floorCpu / wall,
            gcs * 1e9 / wall,
            breaker.status().state(),
            breaker.status().signal(dev.membreaker.memory.Dimension.HEAP_LIVE).pressure());
        if (w > windows / 2) {
          cpuSum += cpu;
          floorSum += floorCpu;
          wallSum += wall;
        }
      }
      System.out.printf(
          "steady state (second half, %s): sampler+watchdog %.4f %% of one core,"
              + " wake-up floor %.4f %%, ratio %.2f; HEALTHY throughout: %s%n",
          sawtooth ? "sawtooth " + GARBAGE_MIB_PER_SECOND + " MiB/s" : "calm",
          100.0 * cpuSum / wallSum,
          100.0 * floorSum / wallSum,
          (double) cpuSum / floorSum,
          healthy);
    }
  }

  /** Short-lived 64 KiB arrays at a steady rate: a sawtooth of raw heap, a flat live set. */
  private static void allocateGarbage() {
    long perChunk = 64 << 10;
    long chunksPerMilli = Math.max(1, GARBAGE_MIB_PER_SECOND * (1L << 20) / perChunk / 1000);
    long next = System.nanoTime();
    while (true) {
      for (long i = 0; i < chunksPerMilli; i++) {
        sink = new byte[(int) perChunk];
      }
      next += 1_000_000L;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
    }
  }

  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
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
