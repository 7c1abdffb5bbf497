package dev.membreaker.contenders.peers;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/** The JVM's heap readings the peers use, as suppliers a test can replace with fakes. */
public final class HeapMeter {

  private static final Pattern OLD_GEN = Pattern.compile("\\b(Old|Tenured)\\b");

  private HeapMeter() {}

  /**
   * {@code MemoryMXBean} heap used now: what Elasticsearch, Pinot, OpenSearch and the naive guard
   * read.
   */
  public static LongSupplier heapUsed() {
    var memory = ManagementFactory.getMemoryMXBean();
    return () -> memory.getHeapMemoryUsage().getUsed();
  }

  /** The heap's maximum ({@code -Xmx}). */
  public static long heapMax() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
  }

  /**
   * Solr's signal since SOLR-18284: {@code getCollectionUsage().getUsed()} of the heap pool named
   * Old or Tenured, or the sum over every heap pool when none is (ZGC, Shenandoah); 0 before the
   * first collection that touched the pool.
   */
  public static LongSupplier oldGenAfterCollection() {
    List<MemoryPoolMXBean> old = new ArrayList<>();
    List<MemoryPoolMXBean> all = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        all.add(pool);
        if (OLD_GEN.matcher(pool.getName()).find()) {
          old.add(pool);
        }
      }
    }
    List<MemoryPoolMXBean> pools = List.copyOf(old.isEmpty() ? all : old);
    return () -> {
      long total = 0;
      for (MemoryPoolMXBean pool : pools) {
        MemoryUsage u = pool.getCollectionUsage();
        if (u != null) {
          total += u.getUsed();
        }
      }
      return total;
    };
  }

  /**
   * The collection count of G1's young collector ("G1 Young Generation"), or -1 when G1 is not in
   * use.
   */
  public static LongSupplier g1YoungCollections() {
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if ("G1 Young Generation".equals(gc.getName())) {
        return gc::getCollectionCount;
      }
    }
    return () -> -1;
  }

  /** Whether this JVM runs G1. */
  public static boolean g1() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .anyMatch(gc -> gc.getName().startsWith("G1 "));
  }

  /**
   * G1's region size ({@code -XX:G1HeapRegionSize}, which the JVM sets from the heap when not
   * given).
   */
  public static long g1RegionSize() {
    var diagnostic =
        ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
    return Long.parseLong(diagnostic.getVMOption("G1HeapRegionSize").getValue());
  }
}
