package dev.membreaker.memory;

import java.lang.management.GarbageCollectorMXBean;
import java.util.List;

/**
 * The garbage collector a JVM runs, as the live-set estimate needs to know it: which notifications
 * measure the old generation's live data, and which carry no after-collection figure at all.
 */
public enum Collector {
  /** G1: young and mixed pauses on "G1 Young Generation", full ones on "G1 Old Generation". */
  G1("G1"),
  /** Parallel: "PS Scavenge" (young), "PS MarkSweep" (full). */
  PARALLEL("Parallel"),
  /** Serial: "Copy" (young), "MarkSweepCompact" (full). */
  SERIAL("Serial"),
  /** ZGC: "ZGC Cycles" measure the heap; "ZGC Pauses" carry no usage and are ignored. */
  ZGC("ZGC"),
  /**
   * Shenandoah: "Shenandoah Cycles" measure the heap; its "Pauses" carry no usage and are ignored.
   */
  SHENANDOAH("Shenandoah"),
  /** Anything else: every notification's after-collection figure is taken as an upper bound. */
  OTHER("other");

  private final String displayName;

  Collector(String displayName) {
    this.displayName = displayName;
  }

  /** The collector's usual name, for GetState and logs. */
  public String displayName() {
    return displayName;
  }

  /** Which collector runs, from the names of the JVM's collector beans. */
  public static Collector detect(List<GarbageCollectorMXBean> beans) {
    for (GarbageCollectorMXBean gc : beans) {
      String name = gc.getName();
      if (name.startsWith("G1 ")) {
        return G1;
      } else if (name.startsWith("PS ")) {
        return PARALLEL;
      } else if (name.equals("Copy") || name.equals("MarkSweepCompact")) {
        return SERIAL;
      } else if (name.startsWith("ZGC")) {
        return ZGC;
      } else if (name.startsWith("Shenandoah")) {
        return SHENANDOAH;
      }
    }
    return OTHER;
  }

  /**
   * Whether every measurement is an anchor (a cycle that marked the whole heap): ZGC, Shenandoah.
   * Growth seen in them has no upper bound to be told from: one cycle's rise is one reading.
   */
  public boolean everyCycleAnchors() {
    return this == ZGC || this == SHENANDOAH;
  }

  /**
   * Whether a notification from collector bean {@code gcName} carries no after-collection usage.
   */
  static boolean isPauseOnly(String gcName) {
    return gcName.endsWith("Pauses");
  }
}
