package dev.membreaker.breaker;

import static dev.membreaker.breaker.BreakerState.DEGRADED;
import static dev.membreaker.breaker.BreakerState.HALF_OPEN;
import static dev.membreaker.breaker.BreakerState.HEALTHY;
import static dev.membreaker.breaker.BreakerState.OPEN;
import static dev.membreaker.breaker.BreakerState.WARNING;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.signal.DimensionSignal;
import dev.membreaker.signal.SignalReading;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The breaker's judgement, one sample at a time: signals per dimension, a memory level from them,
 * and the state transition that level (and the outcome breaker's verdict) calls for.
 *
 * <p>Grading. The pressure is the highest smoothed (EWMA) pressure of the dimensions that drive
 * levels; warning, degraded and open watermarks grade it. Above the occupancy floor the live set
 * also counts by its growth (≥ factor × P95 is WARNING, ≥ P99 for {@code growthOpenSamples} in a
 * row is OPEN; only once the baseline holds its minimum of observations, and only growth faster
 * than {@code growthMinRate} of the limit per second) and by its projected time to exhaustion (under the warning horizon WARNING, under
 * the open horizon for the same run of samples OPEN), so a fast surge opens before its level
 * crosses the open watermark. Raw heap used counts only for the emergency level: at or above the
 * emergency watermark across {@code emergencyCollections} collections, the breaker opens; between
 * collections raw used is mostly garbage and says nothing.
 *
 * <p>Moving. Rising is immediate, to any higher level. Falling needs the pressure below recover,
 * with no growth or projection warning, for {@code recoverSamples} samples in a row, and goes
 * straight to HEALTHY; so a pressure oscillating around a watermark moves the breaker once, not at
 * every crossing. OPEN lasts its open time; then HALF_OPEN admits a share of calls rising from the
 * probe share to all over the ramp. A relapse in HALF_OPEN (level DEGRADED or worse, or the outcome
 * breaker tripping) reopens with the open time doubled up to {@code openMax}; the doubling resets
 * when the breaker reaches HEALTHY. In HALF_OPEN the live set counts only once a collection has
 * measured it afresh: the figure from before OPEN is stale, and would otherwise send the breaker
 * straight back to OPEN whenever too little was allocated in OPEN to cause a collection.
 *
 * <p>Not thread-safe: the breaker calls it under its evaluation lock, from one thread at a time.
 */
final class StateMachine {

  /** A transition made by one step. */
  record Step(BreakerState from, BreakerState to, Cause cause) {}

  private BreakerConfig config;
  private final Map<Dimension, DimensionSignal> signals = new EnumMap<>(Dimension.class);

  private BreakerState state = HEALTHY;
  private Cause cause;
  private long enteredAt;
  private long openDurationNanos;
  private long openUntil;
  private long halfOpenStart;
  private long liveEpochAtHalfOpen;
  private int belowRecover;
  private int growthOpenRun;
  private int exhaustionOpenRun;
  private long emergencyStartEpoch = -1;
  private long transitions;

  private double pressure;
  private Dimension driving;
  private List<SignalReading> lastSignals = List.of();
  private double halfOpenShare = 1;

  StateMachine(BreakerConfig config, long now) {
    this.config = config;
    this.enteredAt = now;
    this.openDurationNanos = config.openMin().toNanos();
  }

  void reconfigure(BreakerConfig next) {
    boolean signalsChanged =
        next.windowSize() != config.windowSize()
            || next.ewmaAlpha() != config.ewmaAlpha()
            || !next.growthBaselineWindow().equals(config.growthBaselineWindow());
    if (signalsChanged) {
      signals.clear();
    }
    long min = next.openMin().toNanos();
    long max = next.openMax().toNanos();
    openDurationNanos = Math.min(max, Math.max(min, openDurationNanos));
    if (openDurationNanos == config.openMin().toNanos()) {
      openDurationNanos = min; // not doubled: follow the new minimum
    }
    config = next;
  }

  /**
   * Folds in one sample and makes the transition it calls for, if any.
   *
   * @param readings the readings of this sample by dimension ordinal; null where not read
   * @param outcomeVerdict the outcome breaker's verdict (a cause to open for), or null
   */
  Step step(long now, MemoryReading[] readings, Cause outcomeVerdict) {
    List<SignalReading> current = new ArrayList<>();
    SignalReading live = null;
    SignalReading used = null;
    for (Dimension d : Dimension.values()) {
      MemoryReading r = readings[d.ordinal()];
      if (r == null || !config.dimensions().contains(d)) {
        continue;
      }
      SignalReading s = signal(d).update(now, r);
      current.add(s);
      if (d == Dimension.HEAP_LIVE) {
        live = s;
      } else if (d == Dimension.HEAP_USED) {
        used = s;
      }
    }
    lastSignals = Collections.unmodifiableList(current);
    long liveEpoch = live == null ? 0 : live.epoch();
    boolean liveFresh =
        live != null && live.available() && (state != HALF_OPEN || liveEpoch > liveEpochAtHalfOpen);

    // Pressure and the dimension that drives it.
    pressure = 0;
    driving = null;
    for (SignalReading s : current) {
      if (!s.available() || !s.dimension().drivesLevels()) {
        continue;
      }
      if (s.dimension() == Dimension.HEAP_LIVE && !liveFresh) {
        continue;
      }
      if (driving == null || s.smoothedPressure() > pressure) {
        pressure = s.smoothedPressure();
        driving = s.dimension();
      }
    }

    // The level memory calls for, and why.
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
      boolean armed =
          live.baselineSize() >= config.growthBaselineMinSamples()
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
      double secondsLeft = live.secondsToExhaustion();
      long openHorizon = config.exhaustionOpenHorizon().toNanos();
      long warningHorizon = config.exhaustionWarningHorizon().toNanos();
      exhaustionOpenRun = openHorizon > 0 && secondsLeft * 1e9 < openHorizon ? exhaustionOpenRun + 1 : 0;
      if (exhaustionOpenRun >= config.growthOpenSamples() && level != OPEN) {
        level = OPEN;
        why = Cause.EXHAUSTION_PROJECTION;
      } else if (warningHorizon > 0 && secondsLeft * 1e9 < warningHorizon
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
    boolean recovered = belowRecover >= config.recoverSamples();

    Step step = null;
    switch (state) {
      case HEALTHY:
      case WARNING:
      case DEGRADED:
        if (outcomeVerdict != null && level != OPEN) {
          level = OPEN;
          why = outcomeVerdict;
        }
        if (level.severity() > state.severity()) {
          step = move(now, level, why);
        } else if (state != HEALTHY && recovered) {
          step = move(now, HEALTHY, Cause.RECOVERED);
        }
        break;
      case OPEN:
        if (now - openUntil >= 0) {
          step = move(now, HALF_OPEN, Cause.OPEN_TIME_ELAPSED);
        }
        break;
      case HALF_OPEN:
        if (level.severity() >= DEGRADED.severity() || outcomeVerdict != null) {
          openDurationNanos = Math.min(config.openMax().toNanos(), openDurationNanos * 2);
          step = move(now, OPEN, Cause.RELAPSE);
        } else if (now - halfOpenStart >= config.halfOpenRamp().toNanos()) {
          step = recovered ? move(now, HEALTHY, Cause.RECOVERED) : move(now, WARNING, Cause.RAMP_COMPLETE);
        }
        break;
    }
    if (state == HALF_OPEN) {
      long ramp = config.halfOpenRamp().toNanos();
      double done = ramp == 0 ? 1 : Math.min(1, (double) (now - halfOpenStart) / ramp);
      double probe = config.halfOpenProbeShare();
      halfOpenShare = probe + (1 - probe) * done;
    } else {
      halfOpenShare = 1;
    }
    return step;
  }

  private Step move(long now, BreakerState to, Cause why) {
    BreakerState from = state;
    TransitionTable.check(from, to);
    state = to;
    cause = why;
    enteredAt = now;
    transitions++;
    if (to == OPEN) {
      openUntil = now + openDurationNanos;
    } else if (to == HALF_OPEN) {
      halfOpenStart = now;
      SignalReading live = signalReading(Dimension.HEAP_LIVE);
      liveEpochAtHalfOpen = live == null ? 0 : live.epoch();
    } else if (to == HEALTHY) {
      openDurationNanos = config.openMin().toNanos();
    }
    return new Step(from, to, why);
  }

  private SignalReading signalReading(Dimension d) {
    for (SignalReading s : lastSignals) {
      if (s.dimension() == d) {
        return s;
      }
    }
    return null;
  }

  private DimensionSignal signal(Dimension d) {
    DimensionSignal s = signals.get(d);
    if (s == null) {
      s =
          new DimensionSignal(
              d,
              config.windowSize(),
              config.ewmaAlpha(),
              config.growthBaselineWindow().toNanos(),
              1_000_000_000L);
      signals.put(d, s);
    }
    return s;
  }

  BreakerState state() {
    return state;
  }

  Cause cause() {
    return cause;
  }

  long enteredAt() {
    return enteredAt;
  }

  long openUntil() {
    return openUntil;
  }

  long openDurationNanos() {
    return openDurationNanos;
  }

  long transitions() {
    return transitions;
  }

  double pressure() {
    return pressure;
  }

  Dimension driving() {
    return driving;
  }

  List<SignalReading> signals() {
    return lastSignals;
  }

  double halfOpenShare() {
    return halfOpenShare;
  }

  BreakerConfig config() {
    return config;
  }
}
