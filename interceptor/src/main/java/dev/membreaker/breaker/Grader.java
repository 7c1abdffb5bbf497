package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import dev.membreaker.memory.Dimension;
import dev.membreaker.signal.SignalReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Grades one sample's signals into the level memory calls for, and returns it as a {@link Grade}.
 *
 * <p>The pressure is the highest smoothed (EWMA) pressure of the dimensions that drive levels;
 * the warning, degraded and open watermarks grade it. Above the occupancy floor the live set also
 * counts by its growth (at or above factor × P95 is WARNING, at or above P99 for {@code
 * growth_open_samples} samples in a row is OPEN; only once the baseline holds its minimum of
 * observations, and only growth faster than {@code growth_min_rate} of the limit a second) and by
 * its projected time to exhaustion (under the warning horizon WARNING, under the open horizon for
 * the same run of samples OPEN), so a fast surge opens before its level crosses the open
 * watermark. Raw heap used counts only for the emergency level: at or above the emergency
 * watermark across {@code emergency_collections} collections, the level is OPEN; between
 * collections raw used is mostly garbage and says nothing. The live set counts only when its epoch
 * is above the floor the state machine gives (HALF_OPEN ignores a figure from before OPEN).
 *
 * <p>The runs of samples (growth, projection, emergency, recovery) are the grader's only state.
 * Not thread-safe: owned by its {@link Profile}.
 */
final class Grader {

  private int belowRecover;
  private int growthOpenRun;
  private int exhaustionOpenRun;
  private long emergencyStartEpoch = -1;

  /**
   * @param signals every dimension's signals at this sample
   * @param liveEpochFloor the live set counts only with an epoch above this (-1: always)
   */
  Grade grade(BreakerConfig config, List<SignalReading> signals, long liveEpochFloor) {
    List<SignalReading> watched = new ArrayList<>(signals.size());
    SignalReading live = null;
    SignalReading used = null;
    for (SignalReading s : signals) {
      if (!config.dimensions().contains(s.dimension())) {
        continue;
      }
      watched.add(s);
      if (s.dimension() == Dimension.HEAP_LIVE) {
        live = s;
      } else if (s.dimension() == Dimension.HEAP_USED) {
        used = s;
      }
    }
    long liveEpoch = live == null ? 0 : live.epoch();
    boolean liveFresh = live != null && live.available() && liveEpoch > liveEpochFloor;

    double pressure = 0;
    Dimension driving = null;
    for (SignalReading s : watched) {
      if (!s.available() || !s.dimension().drivesLevels()
          || (s.dimension() == Dimension.HEAP_LIVE && !liveFresh)) {
        continue;
      }
      if (driving == null || s.smoothedPressure() > pressure) {
        pressure = s.smoothedPressure();
        driving = s.dimension();
      }
    }

    BreakerState level = HEALTHY;
    Cause why = null;
    if (pressure >= config.open()) {
      level = OPEN;
      why = Cause.PRESSURE;
    } else if (pressure >= config.degraded()) {
      level = DEGRADED;
      why = Cause.PRESSURE;
    } else if (pressure >= config.warning()) {
      level = WARNING;
      why = Cause.PRESSURE;
    }
    if (liveFresh && live.pressure() >= config.occupancyFloor()) {
      double growth = live.growthBytesPerSecond();
      boolean armed = live.baselineSize() >= config.growthBaselineMinSamples()
          && growth > config.growthMinRate() * live.limit();
      growthOpenRun = armed && growth >= live.growthP99() ? growthOpenRun + 1 : 0;
      if (growthOpenRun >= config.growthOpenSamples()) {
        level = OPEN;
        why = Cause.GROWTH;
      } else if (armed && growth >= config.growthWarningFactor() * live.growthP95()
          && level.severity() < WARNING.severity()) {
        level = WARNING;
        why = Cause.GROWTH;
      }
      double nanosLeft = live.secondsToExhaustion() * 1e9;
      long openHorizon = config.exhaustionOpenHorizon().toNanos();
      long warningHorizon = config.exhaustionWarningHorizon().toNanos();
      exhaustionOpenRun = openHorizon > 0 && nanosLeft < openHorizon ? exhaustionOpenRun + 1 : 0;
      if (exhaustionOpenRun >= config.growthOpenSamples() && level != OPEN) {
        level = OPEN;
        why = Cause.EXHAUSTION_PROJECTION;
      } else if (warningHorizon > 0 && nanosLeft < warningHorizon
          && level.severity() < WARNING.severity()) {
        level = WARNING;
        why = Cause.EXHAUSTION_PROJECTION;
      }
    } else {
      growthOpenRun = 0;
      exhaustionOpenRun = 0;
    }
    if (used != null && used.available() && used.pressure() >= config.emergency()) {
      if (emergencyStartEpoch < 0) {
        emergencyStartEpoch = liveEpoch;
      } else if (liveEpoch - emergencyStartEpoch >= config.emergencyCollections() && level != OPEN) {
        level = OPEN;
        why = Cause.EMERGENCY;
      }
    } else {
      emergencyStartEpoch = -1;
    }
    boolean quiet = level == HEALTHY && pressure < config.recover();
    belowRecover = quiet ? belowRecover + 1 : 0;
    return new Grade(level, why, pressure, driving, Collections.unmodifiableList(watched),
        belowRecover >= config.recoverSamples(), liveEpoch);
  }
}
