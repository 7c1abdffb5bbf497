package dev.membreaker.breaker;

import dev.membreaker.memory.LiveSetEvidence;
import java.time.Instant;

/**
 * One threshold profile's judge: a {@link Grader} and a {@link StateMachine} under one config. The
 * default profile and each cohort have one; {@link Replay} builds its own. Not thread-safe: owned
 * by the engine, which runs on one thread at a time.
 */
final class Profile {

  private final Grader grader = new Grader();
  private final StateMachine machine;
  private BreakerConfig config;
  private Judgement latest;

  /**
   * @param demand the rates of the calls the breaker could refuse, or null when none are counted
   */
  Profile(BreakerConfig config, long now, Instant wallNow, DemandMeter demand) {
    this.config = config;
    this.machine = new StateMachine(config, now, wallNow, demand);
    this.latest = Judgement.initial(now, wallNow);
  }

  BreakerConfig config() {
    return config;
  }

  BreakerState state() {
    return machine.state();
  }

  Judgement latest() {
    return latest;
  }

  void reconfigure(BreakerConfig next) {
    if (next != config) {
      machine.reconfigure(config, next);
      config = next;
    }
  }

  /** Grades {@code signals} and moves the state machine: one sample. */
  Judgement evaluate(
      long now, Instant wallNow, Signals signals, LiveSetEvidence evidence, Cause outcomeVerdict) {
    Grade grade = grader.grade(config, signals.latest(), machine.liveEpochFloor(), evidence);
    latest = machine.step(config, now, wallNow, grade, outcomeVerdict);
    return latest;
  }
}
