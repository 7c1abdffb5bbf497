package dev.membreaker.memory;

/** Stand-ins for Netty's {@code PlatformDependent}, with the same static methods. */
public final class FakeNettyCounters {

  private FakeNettyCounters() {}

  /** A Netty that tracks its no-cleaner direct buffers. */
  public static final class Tracking {
    static volatile long used = 3 << 20;

    private Tracking() {}

    public static long usedDirectMemory() {
      return used;
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
