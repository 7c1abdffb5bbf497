package dev.membreaker.memory;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct (off-heap) buffer memory: the JDK's "direct" buffer pool plus the counters of any Netty
 * found on the class path (the shaded Netty of grpc-netty-shaded first, plain Netty too), looked up
 * reflectively so the library has no compile-time dependency on either.
 *
 * <p>Netty's counter is added to the JDK pool only when Netty allocates its direct buffers without
 * a {@code Cleaner} ({@code useDirectBufferNoCleaner()}): those bypass the JDK's accounting, and
 * only Netty's counter sees them. Otherwise Netty's buffers go through {@code
 * ByteBuffer.allocateDirect} and the JDK pool holds them already; Netty 4.2 (grpc-netty-shaded
 * 1.85.1) counts those in its counter as well, so adding it would count every buffer twice (the
 * usual case on Java 17 without {@code --add-opens}). When Netty does not track at all (its counter
 * answers -1), the JDK pool alone is used too. Which case holds is logged once at start-up.
 *
 * <p>The limit is {@code -XX:MaxDirectMemorySize}, whose default is the maximum heap size.
 */
final class DirectMemorySource implements MemorySource {

  private static final System.Logger LOG = System.getLogger(DirectMemorySource.class.getName());

  static final List<String> NETTY_CLASSES =
      List.of(
          "io.grpc.netty.shaded.io.netty.util.internal.PlatformDependent",
          "io.netty.util.internal.PlatformDependent");

  private final BufferPoolMXBean jdkPool;
  private final List<MethodHandle> nettyCounters = new ArrayList<>();
  private final long limit;

  DirectMemorySource() {
    this(NETTY_CLASSES);
  }

  /** With the Netty classes to look for (tests give stand-ins). */
  DirectMemorySource(List<String> nettyClasses) {
    BufferPoolMXBean pool = null;
    for (BufferPoolMXBean p : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(p.getName())) {
        pool = p;
      }
    }
    this.jdkPool = pool;
    this.limit = jdkMaxDirectMemory();
    for (String className : nettyClasses) {
      MethodHandle counter = nettyCounter(className);
      if (counter != null) {
        nettyCounters.add(counter);
      }
    }
  }

  private static MethodHandle nettyCounter(String className) {
    Class<?> type;
    try {
      type = Class.forName(className, true, DirectMemorySource.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
    try {
      MethodHandle used =
          MethodHandles.publicLookup()
              .findStatic(type, "usedDirectMemory", MethodType.methodType(long.class));
      long now = (long) used.invokeExact();
      if (now >= 0 && !allocatesWithoutCleaner(type)) {
        LOG.log(
            System.Logger.Level.INFO,
            "membreaker: {0} allocates direct buffers with a cleaner; the JDK direct buffer pool"
                + " holds them, so the direct dimension uses it alone",
            className);
        return null;
      }
      if (now < 0) {
        LOG.log(
            System.Logger.Level.INFO,
            "membreaker: {0} does not track its direct memory (it answers -1); the direct"
                + " dimension uses the JDK direct buffer pool, which then holds Netty's buffers",
            className);
        return null;
      }
      return used;
    } catch (Throwable e) {
      LOG.log(
          System.Logger.Level.INFO,
          "membreaker: can't read Netty's direct memory counter from "
              + className
              + "; the direct dimension uses the JDK pool alone",
          e);
      return null;
    }
  }

  /** Netty's own answer; a Netty too old to have it is taken to allocate without a cleaner. */
  private static boolean allocatesWithoutCleaner(Class<?> type) {
    try {
      MethodHandle noCleaner =
          MethodHandles.publicLookup()
              .findStatic(type, "useDirectBufferNoCleaner", MethodType.methodType(boolean.class));
      return (boolean) noCleaner.invokeExact();
    } catch (NoSuchMethodException e) {
      return true;
    } catch (Throwable e) {
      return false;
    }
  }

  /**
   * The maximum direct memory: Netty's own limit where it tracks its buffers without a cleaner
   * (they bypass the JDK's limit), the JDK's {@code -XX:MaxDirectMemorySize} otherwise.
   */
  static long maxDirectMemory() {
    long jdk = jdkMaxDirectMemory();
    for (String className : NETTY_CLASSES) {
      try {
        Class<?> type = Class.forName(className, true, DirectMemorySource.class.getClassLoader());
        MethodHandle used =
            MethodHandles.publicLookup()
                .findStatic(type, "usedDirectMemory", MethodType.methodType(long.class));
        if ((long) used.invokeExact() < 0 || !allocatesWithoutCleaner(type)) {
          continue;
        }
        long netty =
            (long)
                MethodHandles.publicLookup()
                    .findStatic(type, "maxDirectMemory", MethodType.methodType(long.class))
                    .invokeExact();
        if (netty > 0) {
          return netty;
        }
      } catch (Throwable e) {
        // no such Netty, or too old to say: the JDK's limit
      }
    }
    return jdk;
  }

  private static long jdkMaxDirectMemory() {
    try {
      HotSpotDiagnosticMXBean hotspot =
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      long configured = Long.parseLong(hotspot.getVMOption("MaxDirectMemorySize").getValue());
      if (configured > 0) {
        return configured;
      }
    } catch (RuntimeException e) {
      // not HotSpot, or no such option: the JDK's documented default below
    }
    return Runtime.getRuntime().maxMemory();
  }

  @Override
  public Dimension dimension() {
    return Dimension.DIRECT;
  }

  @Override
  public MemoryReading read() {
    long used = jdkPool == null ? 0 : Math.max(0, jdkPool.getMemoryUsed());
    for (MethodHandle counter : nettyCounters) {
      try {
        used += Math.max(0, (long) counter.invokeExact());
      } catch (Throwable e) {
        // A static getter of an AtomicLong; nothing to recover from, and nothing to log per sample.
      }
    }
    return MemoryReading.of(used, limit);
  }

  /** Whether any Netty counter is being added to the JDK pool (for tests and the admin state). */
  boolean tracksNetty() {
    return !nettyCounters.isEmpty();
  }
}
