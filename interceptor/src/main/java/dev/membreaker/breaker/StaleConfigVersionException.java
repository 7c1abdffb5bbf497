package dev.membreaker.breaker;

/** An update named a config version that has since moved on; nothing was changed. */
public final class StaleConfigVersionException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  private final long expected;
  private final long current;

  StaleConfigVersionException(long expected, long current) {
    super("config version " + expected + " is stale; the current version is " + current);
    this.expected = expected;
    this.current = current;
  }

  /** The version the caller expected. */
  public long expected() {
    return expected;
  }

  /** The version in force. */
  public long current() {
    return current;
  }
}
