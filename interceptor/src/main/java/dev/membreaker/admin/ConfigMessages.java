package dev.membreaker.admin;

import dev.membreaker.breaker.BreakerConfig;
import java.time.Duration;

/**
 * BreakerConfig to and from its protobuf form. {@link #apply} changes only the fields that are set,
 * through the config's own validating builder, so a bad value is refused with the builder's
 * message, which names the field.
 */
final class ConfigMessages {

  private ConfigMessages() {}

  static dev.membreaker.admin.v1.BreakerConfig toProto(BreakerConfig c) {
    dev.membreaker.admin.v1.BreakerConfig.Builder m =
        dev.membreaker.admin.v1.BreakerConfig.newBuilder()
            .setWarning(c.warning())
            .setDegraded(c.degraded())
            .setOpen(c.open())
            .setRecover(c.recover())
            .setEmergency(c.emergency())
            .setEmergencyCollections(c.emergencyCollections())
            .setCriticalCap(c.criticalCap())
            .setSampleInterval(proto(c.sampleInterval()))
            .setCgroupReadInterval(proto(c.cgroupReadInterval()))
            .setStallIntervals(c.stallIntervals())
            .setWindowSize(c.windowSize())
            .setEwmaAlpha(c.ewmaAlpha())
            .setGrowthBaselineWindow(proto(c.growthBaselineWindow()))
            .setGrowthBaselineMinSamples(c.growthBaselineMinSamples())
            .setOccupancyFloor(c.occupancyFloor())
            .setGrowthWarningFactor(c.growthWarningFactor())
            .setGrowthMinRate(c.growthMinRate())
            .setGrowthOpenSamples(c.growthOpenSamples())
            .setExhaustionWarningHorizon(proto(c.exhaustionWarningHorizon()))
            .setExhaustionOpenHorizon(proto(c.exhaustionOpenHorizon()))
            .setRecoverSamples(c.recoverSamples())
            .setRecoverTime(proto(c.recoverTime()))
            .setConfirmGc(c.confirmGc().id())
            .setConfirmPauseBudget(c.confirmPauseBudget())
            .setOpenMin(proto(c.openMin()))
            .setOpenMax(proto(c.openMax()))
            .setHalfOpenRamp(proto(c.halfOpenRamp()))
            .setHalfOpenProbeShare(c.halfOpenProbeShare())
            .setOutcomeWindow(c.outcomeWindow())
            .setOutcomeMinCalls(c.outcomeMinCalls())
            .setFailureRateThreshold(c.failureRateThreshold())
            .setConsecutiveFailures(c.consecutiveFailures())
            .setSlowCallThreshold(proto(c.slowCallThreshold()))
            .setSlowCallRateThreshold(c.slowCallRateThreshold())
            .setTransitionHistory(c.transitionHistory())
            .setMaxQueuedBytesPerCall(c.maxQueuedBytesPerCall());
    dev.membreaker.admin.v1.DimensionList.Builder dims =
        dev.membreaker.admin.v1.DimensionList.newBuilder();
    c.dimensions().forEach(d -> dims.addNames(d.id()));
    m.setDimensions(dims)
        .setFailureCodes(
            dev.membreaker.admin.v1.CodeList.newBuilder().addAllCodes(c.failureCodes()));
    if (c.inFlightBudgetBytes() > 0) {
      m.setInFlightBudgetBytes(c.inFlightBudgetBytes());
    } else {
      m.setInFlightBudgetShare(c.inFlightBudgetShare());
    }
    return m.build();
  }

  /**
   * {@code base} with the fields set in {@code changes}; IllegalArgumentException names a bad one.
   */
  static BreakerConfig apply(BreakerConfig base, dev.membreaker.admin.v1.BreakerConfig m) {
    BreakerConfig.Builder b = base.toBuilder();
    if (m.hasWarning()) b.warning(m.getWarning());
    if (m.hasDegraded()) b.degraded(m.getDegraded());
    if (m.hasOpen()) b.open(m.getOpen());
    if (m.hasRecover()) b.recover(m.getRecover());
    if (m.hasEmergency()) b.emergency(m.getEmergency());
    if (m.hasEmergencyCollections()) b.emergencyCollections(m.getEmergencyCollections());
    if (m.hasCriticalCap()) b.criticalCap(m.getCriticalCap());
    if (m.hasSampleInterval()) b.sampleInterval(duration("sample_interval", m.getSampleInterval()));
    if (m.hasCgroupReadInterval()) {
      Duration wanted = duration("cgroup_read_interval", m.getCgroupReadInterval());
      if (!wanted.equals(base.cgroupReadInterval())) {
        throw new IllegalArgumentException(
            "cgroup_read_interval is read only when the breaker starts ("
                + base.cgroupReadInterval()
                + " now): change it in the config file and restart");
      }
    }
    if (m.hasStallIntervals()) b.stallIntervals(m.getStallIntervals());
    if (m.hasWindowSize()) b.windowSize(m.getWindowSize());
    if (m.hasEwmaAlpha()) b.ewmaAlpha(m.getEwmaAlpha());
    if (m.hasGrowthBaselineWindow())
      b.growthBaselineWindow(duration("growth_baseline_window", m.getGrowthBaselineWindow()));
    if (m.hasGrowthBaselineMinSamples())
      b.growthBaselineMinSamples(m.getGrowthBaselineMinSamples());
    if (m.hasOccupancyFloor()) b.occupancyFloor(m.getOccupancyFloor());
    if (m.hasGrowthWarningFactor()) b.growthWarningFactor(m.getGrowthWarningFactor());
    if (m.hasGrowthMinRate()) b.growthMinRate(m.getGrowthMinRate());
    if (m.hasGrowthOpenSamples()) b.growthOpenSamples(m.getGrowthOpenSamples());
    if (m.hasExhaustionWarningHorizon())
      b.exhaustionWarningHorizon(
          duration("exhaustion_warning_horizon", m.getExhaustionWarningHorizon()));
    if (m.hasExhaustionOpenHorizon())
      b.exhaustionOpenHorizon(duration("exhaustion_open_horizon", m.getExhaustionOpenHorizon()));
    if (m.hasRecoverSamples()) b.recoverSamples(m.getRecoverSamples());
    if (m.hasRecoverTime()) b.recoverTime(duration("recover_time", m.getRecoverTime()));
    if (m.hasConfirmGc()) b.confirmGc(dev.membreaker.breaker.ConfirmGc.parse(m.getConfirmGc()));
    if (m.hasConfirmPauseBudget()) b.confirmPauseBudget(m.getConfirmPauseBudget());
    if (m.hasOpenMin()) b.openMin(duration("open_min", m.getOpenMin()));
    if (m.hasOpenMax()) b.openMax(duration("open_max", m.getOpenMax()));
    if (m.hasHalfOpenRamp()) b.halfOpenRamp(duration("half_open_ramp", m.getHalfOpenRamp()));
    if (m.hasHalfOpenProbeShare()) b.halfOpenProbeShare(m.getHalfOpenProbeShare());
    if (m.hasOutcomeWindow()) b.outcomeWindow(m.getOutcomeWindow());
    if (m.hasOutcomeMinCalls()) b.outcomeMinCalls(m.getOutcomeMinCalls());
    if (m.hasFailureRateThreshold()) b.failureRateThreshold(m.getFailureRateThreshold());
    if (m.hasConsecutiveFailures()) b.consecutiveFailures(m.getConsecutiveFailures());
    if (m.hasSlowCallThreshold())
      b.slowCallThreshold(duration("slow_call_threshold", m.getSlowCallThreshold()));
    if (m.hasSlowCallRateThreshold()) b.slowCallRateThreshold(m.getSlowCallRateThreshold());
    if (m.hasTransitionHistory()) b.transitionHistory(m.getTransitionHistory());
    if (m.hasInFlightBudgetShare() && m.hasInFlightBudgetBytes()) {
      throw new IllegalArgumentException(
          "in_flight_budget_share and in_flight_budget_bytes are two forms of one budget; set one");
    }
    if (m.hasInFlightBudgetShare()) b.inFlightBudgetShare(m.getInFlightBudgetShare());
    if (m.hasInFlightBudgetBytes()) b.inFlightBudgetBytes(m.getInFlightBudgetBytes());
    if (m.hasMaxQueuedBytesPerCall()) b.maxQueuedBytesPerCall(m.getMaxQueuedBytesPerCall());
    if (m.hasDimensions()) {
      java.util.Set<dev.membreaker.memory.Dimension> set =
          java.util.EnumSet.noneOf(dev.membreaker.memory.Dimension.class);
      for (String name : m.getDimensions().getNamesList()) {
        try {
          set.add(dev.membreaker.memory.Dimension.fromId(name));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("dimensions: " + e.getMessage());
        }
      }
      b.dimensions(set);
    }
    if (m.hasFailureCodes())
      b.failureCodes(java.util.Set.copyOf(m.getFailureCodes().getCodesList()));
    return b.build();
  }

  static com.google.protobuf.Duration proto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  /** The largest magnitude a google.protobuf.Duration may have: about 10,000 years. */
  static final long MAX_DURATION_SECONDS = 315_576_000_000L;

  /**
   * A protobuf Duration as a Java one, or IllegalArgumentException naming {@code field} when it is
   * not a valid Duration (seconds within ±10,000 years, nanos within ±999,999,999 of the same
   * sign).
   */
  static Duration duration(String field, com.google.protobuf.Duration d) {
    if (d.getSeconds() < -MAX_DURATION_SECONDS
        || d.getSeconds() > MAX_DURATION_SECONDS
        || d.getNanos() <= -1_000_000_000
        || d.getNanos() >= 1_000_000_000
        || (d.getSeconds() > 0 && d.getNanos() < 0)
        || (d.getSeconds() < 0 && d.getNanos() > 0)) {
      throw new IllegalArgumentException(
          field + " is not a valid duration (" + d.getSeconds() + " s, " + d.getNanos() + " ns)");
    }
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }
}
