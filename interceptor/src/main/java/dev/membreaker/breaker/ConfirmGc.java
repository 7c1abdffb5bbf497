package dev.membreaker.breaker;

import java.util.Locale;

/**
 * When the breaker may run a confirming collection ({@code System.gc()} on a thread of its own) to
 * measure the live set before it sheds, or to refresh a stale figure while it sheds. The config key
 * {@code confirm_gc}.
 */
public enum ConfirmGc {
  /** Whenever the rules call for one (the default). */
  AUTO,
  /**
   * Only where {@code System.gc()} runs concurrently with the application: ZGC, Shenandoah, or
   * another collector under {@code -XX:+ExplicitGCInvokesConcurrent}. Elsewhere as {@link #OFF}.
   */
  CONCURRENT_ONLY,
  /**
   * Never: the estimate alone decides, and recovery after OPEN follows the open time, as without
   * evidence (what {@code -XX:+DisableExplicitGC} gives too).
   */
  OFF;

  /** The name as the config file writes it: auto, concurrent-only, off. */
  public String id() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses auto, concurrent-only or off (case-insensitive); throws naming the value otherwise. */
  public static ConfirmGc parse(String value) {
    for (ConfirmGc c : values()) {
      if (c.id().equalsIgnoreCase(value) || c.name().equalsIgnoreCase(value)) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "confirm_gc must be auto, concurrent-only or off, not '" + value + "'");
  }

  @Override
  public String toString() {
    return id();
  }
}
