package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HALF_OPEN;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal transitions, as data. Pressure may jump past a level between two samples, so the levels
 * below OPEN may rise to any higher one; they fall only all the way to HEALTHY (leaving a level
 * needs the pressure below the recover watermark, which is below every other). OPEN leaves only to
 * HALF_OPEN; HALF_OPEN relapses to OPEN or, when its ramp is done, goes to HEALTHY if recovered, or
 * to WARNING if the pressure is still at or above recover. Anything else is a bug, and {@link
 * #check} throws.
 */
public final class TransitionTable {

  private static final Map<BreakerState, Set<BreakerState>> LEGAL =
      new EnumMap<>(BreakerState.class);

  static {
    LEGAL.put(HEALTHY, EnumSet.of(WARNING, DEGRADED, OPEN));
    LEGAL.put(WARNING, EnumSet.of(HEALTHY, DEGRADED, OPEN));
    LEGAL.put(DEGRADED, EnumSet.of(HEALTHY, OPEN));
    LEGAL.put(OPEN, EnumSet.of(HALF_OPEN));
    LEGAL.put(HALF_OPEN, EnumSet.of(OPEN, HEALTHY, WARNING));
  }

  private TransitionTable() {}

  /** Whether {@code from → to} is in the table. */
  public static boolean isLegal(BreakerState from, BreakerState to) {
    return LEGAL.get(from).contains(to);
  }

  /** Throws {@link IllegalStateException} when {@code from → to} is not in the table. */
  static void check(BreakerState from, BreakerState to) {
    if (!isLegal(from, to)) {
      throw new IllegalStateException("illegal breaker transition " + from + " -> " + to);
    }
  }
}
