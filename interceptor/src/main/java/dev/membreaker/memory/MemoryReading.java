package dev.membreaker.memory;

/**
 * One reading of one memory dimension: bytes used, the limit they count against, and an epoch that
 * tells fresh readings from repeated ones (for the live set, the number of collections seen).
 * Immutable.
 *
 * @param used bytes in use (or, for stall information, hundredths of a percent)
 * @param limit the limit {@code used} counts against; positive for an available reading
 * @param epoch increases whenever the underlying figure was measured anew
 */
public record MemoryReading(long used, long limit, long epoch) {

  private static final MemoryReading UNAVAILABLE = new MemoryReading(0, 0, 0);

  /** The reading of a dimension that can't be read right now (or has no limit). */
  public static MemoryReading unavailable() {
    return UNAVAILABLE;
  }

  /** A reading with epoch 0, for sources whose every read is fresh. */
  public static MemoryReading of(long used, long limit) {
    return new MemoryReading(used, limit, 0);
  }

  /** Whether this reading carries a usable value. */
  public boolean available() {
    return limit > 0;
  }

  /** used / limit, clamped to [0, 1]; 0 for an unavailable reading. */
  public double pressure() {
    if (limit <= 0) {
      return 0;
    }
    double p = (double) Math.max(0, used) / limit;
    return Math.min(1.0, p);
  }
}
