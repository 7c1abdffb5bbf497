package dev.membreaker.contenders.peers;

import java.util.function.LongSupplier;

/**
 * Apache Pinot's heap-usage OOM protection (apache/pinot, {@code
 * pinot-core/src/main/java/org/apache/pinot/core/accounting/QueryAggregator.java}, defaults from
 * {@code CommonConstants.Accounting}), turned from killing running queries into refusing new calls.
 * A watcher thread reads heap used every 30 ms, every 10 ms above the alarming level (0.75). Above
 * the critical level (0.96) Pinot kills the most expensive query once per cycle; after 5 such kills
 * in a row it calls {@code System.gc()} first and, if heap used is then under critical − 0.15
 * (0.81), kills nothing that cycle. At the panic level (0.99) it kills every query and calls {@code
 * System.gc()}. Here each cycle that would kill refuses new calls until the next cycle that would
 * not; a refusing cycle counts as one kill.
 */
public final class PinotHeapMonitor implements AdmissionCheck {

  public static final double ALARMING = 0.75;
  public static final double CRITICAL = 0.96;
  public static final double CRITICAL_DELTA_AFTER_GC = 0.15;
  public static final double PANIC = 0.99;
  public static final int GC_BACKOFF_COUNT = 5;
  public static final int SLEEP_MILLIS = 30;
  public static final int ALARMING_SLEEP_DENOMINATOR = 3;

  enum Level {
    NORMAL,
    ALARMING,
    CRITICAL,
    PANIC
  }

  private final LongSupplier used;
  private final Runnable systemGc;
  private final long alarming;
  private final long critical;
  private final long criticalAfterGc;
  private final long panic;
  private final long max;
  private int killedConsecutively; // the watcher thread's own
  private volatile boolean refusing;
  private volatile Level level = Level.NORMAL;
  private volatile double last = Double.NaN;

  public PinotHeapMonitor(LongSupplier used, long max, Runnable systemGc) {
    this.used = used;
    this.max = max;
    this.systemGc = systemGc;
    this.alarming = (long) (max * ALARMING);
    this.critical = (long) (max * CRITICAL);
    this.criticalAfterGc = critical - (long) (max * CRITICAL_DELTA_AFTER_GC);
    this.panic = (long) (max * PANIC);
  }

  /** One cycle of the watcher; returns how long to sleep before the next one, in milliseconds. */
  public int cycle() {
    long bytes = read();
    if (bytes >= panic) {
      level = Level.PANIC;
      refusing = true; // kill all queries, then collect
      systemGc.run();
      killedConsecutively = 0;
      return SLEEP_MILLIS;
    }
    if (bytes > critical) {
      level = Level.CRITICAL;
      if (killedConsecutively >= GC_BACKOFF_COUNT) {
        killedConsecutively = 0;
        systemGc.run();
        if (read() < criticalAfterGc) {
          refusing = false; // the collection gave the heap back: nothing killed this cycle
          return SLEEP_MILLIS;
        }
      }
      refusing = true;
      killedConsecutively++;
      return SLEEP_MILLIS;
    }
    refusing = false;
    if (bytes > alarming) {
      level = Level.ALARMING;
      return SLEEP_MILLIS / ALARMING_SLEEP_DENOMINATOR;
    }
    level = Level.NORMAL;
    return SLEEP_MILLIS;
  }

  private long read() {
    long bytes = used.getAsLong();
    last = (double) bytes / max;
    return bytes;
  }

  @Override
  public boolean admits() {
    return !refusing;
  }

  @Override
  public double reading() {
    return last;
  }

  @Override
  public String state() {
    return level.name().toLowerCase(java.util.Locale.ROOT);
  }
}
