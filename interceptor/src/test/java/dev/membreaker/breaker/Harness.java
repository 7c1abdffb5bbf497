package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.policy.Decision;
import dev.membreaker.policy.Priority;
import dev.membreaker.testing.FakeMemorySource;
import dev.membreaker.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A breaker on fake sources and a fake ticker, listeners run inline, events recorded. */
final class Harness {

  /** Crisp defaults for state-table tests: no smoothing, growth and projections off. */
  static BreakerConfig.Builder crisp() {
    return BreakerConfig.builder()
        .ewmaAlpha(1.0)
        .occupancyFloor(1.0)
        .exhaustionWarningHorizon(Duration.ZERO)
        .exhaustionOpenHorizon(Duration.ZERO)
        .recoverTime(Duration.ZERO);
  }

  final FakeTicker ticker = new FakeTicker();
  final FakeMemorySource live = FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.2);
  final FakeMemorySource used = FakeMemorySource.atPressure(Dimension.HEAP_USED, 0.3);
  final FakeMemorySource direct = FakeMemorySource.atPressure(Dimension.DIRECT, 0.1);
  final List<TransitionEvent> events = new ArrayList<>();
  final List<OverrideChange> overrides = new ArrayList<>();
  final MemoryBreaker breaker;
  final BreakerConfig config;

  Harness() {
    this(crisp().build());
  }

  Harness(BreakerConfig config) {
    this.config = config;
    this.breaker =
        MemoryBreaker.builder()
            .config(config)
            .sources(List.of(live, used, direct))
            .ticker(ticker)
            .listenerExecutor(Runnable::run)
            .addListener(
                new TransitionListener() {
                  @Override
                  public void onTransition(TransitionEvent event) {
                    events.add(event);
                  }

                  @Override
                  public void onOverrideChange(OverrideChange change) {
                    overrides.add(change);
                  }
                })
            .build();
  }

  /** One sample interval passes, then a sample is taken. */
  Harness tick() {
    ticker.advance(config.sampleInterval());
    breaker.evaluateNow();
    return this;
  }

  /** {@code n} samples in a row. */
  Harness ticks(int n) {
    for (int i = 0; i < n; i++) {
      tick();
    }
    return this;
  }

  /** Sets the live set's pressure (a fresh collection) and samples once. */
  Harness live(double pressure) {
    live.setPressure(pressure);
    return tick();
  }

  /**
   * Samples until {@code duration} has passed, keeping the live set at its value (fresh each time).
   */
  Harness hold(double livePressure, Duration duration) {
    long samples = duration.toNanos() / config.sampleInterval().toNanos();
    for (long i = 0; i < samples; i++) {
      live(livePressure);
    }
    return this;
  }

  BreakerState state() {
    return breaker.status().state();
  }

  Decision decide(Priority p) {
    return breaker.decide(p);
  }

  /** The share of {@code n} calls of priority {@code p} that were admitted. */
  double admittedShare(Priority p, int n) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      if (breaker.decide(p) == Decision.ADMIT) {
        admitted++;
      }
    }
    return (double) admitted / n;
  }

  TransitionEvent lastEvent() {
    return events.get(events.size() - 1);
  }
}
