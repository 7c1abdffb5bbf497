package dev.membreaker.breaker;

import dev.membreaker.memory.Dimension;
import dev.membreaker.memory.LiveSetEvidence;
import dev.membreaker.memory.LiveSetSource;
import dev.membreaker.memory.MemoryReading;
import dev.membreaker.memory.MemorySource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one sample does, start to end: read the sources the config watches, record the readings for
 * simulations, update the signals once per set of signal settings, and let each profile (the
 * default one, then each cohort) grade them and move its state machine. Returns the result as an
 * immutable {@link Evaluation}; publishing it is the breaker's business.
 *
 * <p>Not thread-safe: the breaker calls {@link #evaluate} from one thread at a time (the sampler
 * thread, or a test's). The outcome window is the exception: calls record into it from any thread,
 * lock-free, and the engine replaces it whole on a reset.
 */
final class Engine {

  /** One sample's judgements: the default profile's and each cohort's, in cohort order. */
  record Evaluation(long nanos, BreakerConfig config, Judgement main, List<Judgement> cohorts) {}

  private static final System.Logger LOG = System.getLogger(MemoryBreaker.class.getName());

  /**
   * How old an anchor may be while the breaker is not HEALTHY before a confirmation refreshes it.
   */
  static final long STALE_ANCHOR_NANOS = 500_000_000L;

  private final List<MemorySource> sources;
  private final LiveSetSource liveSet; // null when the live set gives no evidence
  private long anchorEpoch = -1;
  private long anchorAt; // ticker time this engine first saw the latest anchor
  private final boolean[] sourceFailed;
  private final SampleHistory history;
  private final Profile main;
  private final List<Profile> cohorts = new ArrayList<>();
  private Map<Signals.Settings, Signals> signals = new LinkedHashMap<>();
  private BreakerConfig signalsBuiltFor;
  private volatile OutcomeWindow outcomes;
  private final DemandMeter demand;

  Engine(
      List<MemorySource> sources,
      BreakerConfig config,
      List<Cohort> cohortProfiles,
      SampleHistory history,
      CallDemand calls,
      long now,
      Instant wallNow) {
    this.demand = new DemandMeter(calls);
    this.sources = sources;
    this.sourceFailed = new boolean[sources.size()];
    LiveSetSource found = null;
    for (MemorySource s : sources) {
      if (s instanceof LiveSetSource && s.dimension() == Dimension.HEAP_LIVE && found == null) {
        found = (LiveSetSource) s;
      }
    }
    this.liveSet = found;
    if (found != null) {
      found.pauseBudget(config.confirmPauseBudget());
    }
    this.history = history;
    this.main = new Profile(config, now, wallNow, demand);
    for (Cohort c : cohortProfiles) {
      cohorts.add(new Profile(c.config(), now, wallNow, demand));
    }
    this.outcomes = new OutcomeWindow(config.outcomeWindow());
  }

  /** The window admitted calls record their outcomes into. */
  OutcomeWindow outcomes() {
    return outcomes;
  }

  /** Takes one sample at {@code now} under {@code config} (the default profile's). */
  Evaluation evaluate(long now, Instant wallNow, BreakerConfig config) {
    if (config != main.config()) {
      if (liveSet != null && config.confirmPauseBudget() != main.config().confirmPauseBudget()) {
        liveSet.pauseBudget(config.confirmPauseBudget());
      }
      main.reconfigure(config);
      if (outcomes.size() != config.outcomeWindow()) {
        outcomes = new OutcomeWindow(config.outcomeWindow());
      }
    }
    MemoryReading[] readings = new MemoryReading[Dimension.values().length];
    for (int i = 0; i < sources.size(); i++) {
      MemorySource source = sources.get(i);
      if (config.dimensions().contains(source.dimension())) {
        readings[source.dimension().ordinal()] = read(i, source);
      }
    }
    history.add(now, readings);
    demand.sample(now);
    LiveSetEvidence evidence = liveSetEvidence(now, readings);
    updateSignals(now, readings);

    Cause verdict = main.state() == BreakerState.OPEN ? null : outcomes.verdict(config);
    Judgement judged = main.evaluate(now, wallNow, signalsOf(config), evidence, verdict);
    Judgement.Step step = judged.step();
    if (step != null && (step.to() == BreakerState.OPEN || step.to() == BreakerState.HALF_OPEN)) {
      outcomes = new OutcomeWindow(config.outcomeWindow()); // each judges its own calls
    }
    List<Judgement> cohortJudgements = new ArrayList<>(cohorts.size());
    for (Profile cohort : cohorts) {
      cohortJudgements.add(
          cohort.evaluate(now, wallNow, signalsOf(cohort.config()), evidence, null));
    }
    confirmIfNeeded(now, config, judged, cohortJudgements);
    return new Evaluation(now, config, judged, cohortJudgements);
  }

  /**
   * The live set's evidence at this sample; a new anchor is a measurement, so the live set's
   * smoothing starts afresh from it rather than averaging it with the estimates it replaces.
   */
  private LiveSetEvidence liveSetEvidence(long now, MemoryReading[] readings) {
    if (liveSet == null || readings[Dimension.HEAP_LIVE.ordinal()] == null) {
      return null;
    }
    LiveSetEvidence e = liveSet.evidence();
    if (e.anchorEpoch() != anchorEpoch) {
      if (anchorEpoch >= 0) {
        for (Signals s : signals.values()) {
          s.restart(Dimension.HEAP_LIVE);
        }
      }
      anchorEpoch = e.anchorEpoch();
      anchorAt = now;
    }
    return e;
  }

  /**
   * Asks the live set for a confirming collection when a level the live set called for was held
   * back for want of one, and for a refresh when the breaker is not HEALTHY and its anchor is older
   * than {@link #STALE_ANCHOR_NANOS}: after a surge, with little allocated, no collection comes by
   * itself, and leaving OPEN or HALF_OPEN needs a figure measured since OPEN began. An OPEN held
   * for want of a confirmation, or bytes allocated straight into the old generation that reach the
   * warning watermark, ask for an urgent one. The source paces all three; asking costs nothing when
   * it declines.
   */
  private void confirmIfNeeded(
      long now, BreakerConfig config, Judgement judged, List<Judgement> cohortJudgements) {
    if (liveSet == null
        || judged.grade().liveSet() == null
        || !Grader.confirmable(config, judged.grade().liveSet())) {
      return;
    }
    // A cohort (stricter thresholds) may be OPEN while the default profile is not: its recovery
    // needs a fresh figure just the same.
    boolean shedding = judged.state() != BreakerState.HEALTHY;
    boolean confirm = judged.grade().confirmLiveSet();
    boolean urgent = judged.grade().confirmUrgently();
    for (Judgement c : cohortJudgements) {
      shedding |= c.state() != BreakerState.HEALTHY;
      confirm |= c.grade().confirmLiveSet();
      urgent |= c.grade().confirmUrgently();
    }
    if (urgent) {
      // An OPEN held for want of a measurement, or bytes no collection has seen at the warning
      // watermark: the usual pacing (up to 2 s while shedding, 30 s while not) is longer than a
      // steep surge takes to fill the heap.
      liveSet.urgentConfirmation("the heap fills faster than the usual pacing measures");
    } else if (confirm && !shedding) {
      liveSet.requestConfirmation("a level rests on promoted bytes of unknown liveness");
    } else if (shedding && (confirm || now - anchorAt >= STALE_ANCHOR_NANOS)) {
      // Paced as refreshes: a back-off grown while the pressure lasted must not delay recovery.
      liveSet.refresh("refreshing a stale live set while " + judged.state());
    }
  }

  /** The cohorts' judgements as of the latest sample (their initial ones before any). */
  List<Judgement> latestCohorts() {
    List<Judgement> latest = new ArrayList<>(cohorts.size());
    for (Profile cohort : cohorts) {
      latest.add(cohort.latest());
    }
    return latest;
  }

  /**
   * Updates each distinct set of signal settings once. A settings change (the default profile's
   * window or EWMA) starts its signals afresh; settings no profile uses any more are dropped.
   */
  private void updateSignals(long now, MemoryReading[] readings) {
    if (signalsBuiltFor != main.config()) { // cohorts' configs never change
      Map<Signals.Settings, Signals> next = new LinkedHashMap<>();
      addSignals(next, main.config());
      for (Profile cohort : cohorts) {
        addSignals(next, cohort.config());
      }
      signals = next;
      signalsBuiltFor = main.config();
    }
    for (Signals s : signals.values()) {
      s.update(now, readings);
    }
  }

  private void addSignals(Map<Signals.Settings, Signals> next, BreakerConfig config) {
    Signals.Settings key = Signals.Settings.of(config);
    if (!next.containsKey(key)) {
      Signals existing = signals.get(key);
      next.put(key, existing != null ? existing : new Signals(key));
    }
  }

  private Signals signalsOf(BreakerConfig config) {
    return signals.get(Signals.Settings.of(config));
  }

  private MemoryReading read(int index, MemorySource source) {
    try {
      return source.read();
    } catch (RuntimeException e) {
      if (!sourceFailed[index]) {
        sourceFailed[index] = true;
        LOG.log(
            System.Logger.Level.WARNING,
            "membreaker: memory source "
                + source.dimension().id()
                + " failed; it counts as unavailable while it keeps failing",
            e);
      }
      return MemoryReading.unavailable();
    }
  }
}
