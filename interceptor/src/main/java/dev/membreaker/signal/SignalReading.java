package dev.membreaker.signal;

import dev.membreaker.memory.Dimension;

/**
 * The signals of one dimension at one sample. Immutable.
 *
 * @param dimension which memory this is
 * @param available false when the dimension could not be read (all other fields are then 0)
 * @param used bytes used
 * @param limit the limit they count against
 * @param pressure used / limit at this sample
 * @param smoothedPressure the EWMA of pressure, which is what levels are graded on
 * @param growthBytesPerSecond slope of used over the sliding window
 * @param growthP95 95th percentile of growth over the long baseline window
 * @param growthP99 99th percentile of growth over the long baseline window
 * @param baselineSize observations in the baseline so far
 * @param secondsToExhaustion projected time until used reaches limit at the current slope (infinite
 *     when not growing)
 * @param epoch the reading's epoch (for the live set: collections seen)
 */
public record SignalReading(
    Dimension dimension,
    boolean available,
    long used,
    long limit,
    double pressure,
    double smoothedPressure,
    double growthBytesPerSecond,
    double growthP95,
    double growthP99,
    int baselineSize,
    double secondsToExhaustion,
    long epoch) {

  /** The reading of a dimension that could not be read. */
  public static SignalReading unavailable(Dimension dimension) {
    return new SignalReading(dimension, false, 0, 0, 0, 0, 0, 0, 0, 0, Double.POSITIVE_INFINITY, 0);
  }
}
