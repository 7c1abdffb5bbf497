package dev.membreaker.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.LockSupport;

/**
 * The floor under any sampler: the CPU time of a thread that does nothing but wake every 50 ms, as
 * a share of one core. On machines where waking a thread is expensive (nested virtualization) this
 * alone can exceed a sampler's own work.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.membreaker.benchmarks.WakeupFloor 30</pre>
 */
public final class WakeupFloor {

  private WakeupFloor() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    Thread parker =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(50_000_000L);
              }
            });
    parker.setDaemon(true);
    parker.start();
    Thread.sleep(1000);
    long cpu0 = threads.getThreadCpuTime(parker.getId());
    long wall0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long cpu = threads.getThreadCpuTime(parker.getId()) - cpu0;
    long wall = System.nanoTime() - wall0;
    parker.interrupt();
    System.out.printf(
        "a thread that only parks for 50 ms: %.3f ms CPU in %.1f s = %.4f %% of one core%n",
        cpu / 1e6, wall / 1e9, 100.0 * cpu / wall);
  }
}
