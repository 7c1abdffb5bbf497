package dev.membreaker.memory;

/** Stand-ins for Netty's {@code PlatformDependent}, with the same static methods. */
public final class FakeNettyCounters {

  private FakeNettyCounters() {}

  /** A Netty that allocates without a cleaner and tracks those buffers. */
  public static final class Tracking {
    static volatile long used = 3 << 20;

    private Tracking() {}

    public static long usedDirectMemory() {
      return used;
    }

    public static boolean useDirectBufferNoCleaner() {
      return true;
    }
  }

  /** A Netty that allocates with a cleaner (the JDK pool holds its buffers) and counts them too. */
  public static final class CountingWithCleaner {
    private CountingWithCleaner() {}

    public static long usedDirectMemory() {
      return 7 << 20;
    }

    public static boolean useDirectBufferNoCleaner() {
      return false;
    }
  }

  /** A Netty that does not track (the usual case on Java 17 without --add-opens). */
  public static final class NotTracking {
    private NotTracking() {}

    public static long usedDirectMemory() {
      return -1;
    }
  }
}
