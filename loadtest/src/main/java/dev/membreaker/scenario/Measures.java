package dev.membreaker.scenario;

import java.util.List;

/**
 * The measures of one contender in one scenario, as the report's table shows them. Fractions are in
 * [0, 1]; null means "does not apply" (said in the report as a dash).
 *
 * @param survived whether the server was still running when the load ended
 * @param diedAtSeconds when it died, seconds into the scenario
 * @param outOfMemoryErrors OutOfMemoryErrors of any kind: heap (fatal here) and Netty's direct ones
 * @param criticalSuccess share of CRITICAL calls (payments) that succeeded
 * @param goodput successful calls per second over the run
 * @param shedShare share of all calls refused by the contender's guard
 * @param falseSheds calls refused while what the server truly held was under the warning watermark
 *     (0.70): its bytes at start plus the bytes calls asked it to hold, or its direct memory when
 *     higher, at the last sample before the refusal ({@link Sample#truth()})
 * @param reactionSeconds from the live set first reaching the open watermark (0.90) to the first
 *     refusal; negative when refusals began before it got there
 * @param backToHealthySeconds from the end of the pressure to the breaker's HEALTHY (membreaker
 *     only)
 * @param fullThroughputSeconds from the end of the pressure to the first of 3 seconds in a row in
 *     which every normal-traffic stream had at least 95 % of its calls succeed
 * @param p50Millis median latency of successful calls, from their intended start
 * @param p99Millis 99th percentile of the same
 * @param normalP99Millis 99th percentile of the normal traffic's successful calls alone (payments
 *     and quotes, the same in every scenario), leaving out the pressure's own calls, which differ
 *     in size and in number from one contender to the next; null in results written before it
 * @param samplerCpuPercent CPU of membreaker's sampler and watchdog threads, % of one core
 * @param peakLive the highest live set seen (fraction of the heap)
 * @param peakDirect the highest direct buffer memory seen in the 100 ms samples (fraction of {@code
 *     -XX:MaxDirectMemorySize})
 * @param peakTruth the highest ground truth seen ({@link Sample#truth()})
 * @param firstShedSeconds when the guard first refused a call, seconds into the scenario
 * @param liveAtFirstShed the live set the server last reported at that moment
 */
record Measures(
    String scenario,
    String contender,
    boolean survived,
    Double diedAtSeconds,
    long outOfMemoryErrors,
    double criticalSuccess,
    double goodput,
    double shedShare,
    long falseSheds,
    Double reactionSeconds,
    Double backToHealthySeconds,
    Double fullThroughputSeconds,
    double p50Millis,
    double p99Millis,
    Double normalP99Millis,
    Double samplerCpuPercent,
    double peakLive,
    double peakDirect,
    double peakTruth,
    Double firstShedSeconds,
    Double liveAtFirstShed,
    long sent,
    long ok,
    long shed,
    long failed) {

  static final double WARNING = 0.70;
  static final double OPEN = 0.90;

  static Measures of(
      Scenario scenario,
      String contender,
      Timeline t,
      List<Sample> samples,
      double exitedAt,
      long outOfMemoryLines) {
    long sent = 0;
    long ok = 0;
    long shed = 0;
    long critSent = 0;
    long critOk = 0;
    for (int k = 0; k < t.streams; k++) {
      sent += t.sumSent(k);
      ok += t.sumOk(k);
      shed += t.sumShed(k);
      if (scenario.traffic().get(k).critical()) {
        critSent += t.sumSent(k);
        critOk += t.sumOk(k);
      }
    }
    long failed = sent - ok - shed;
    boolean survived = exitedAt < 0;
    long oomInProcess = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).oom();
    double peakLive = samples.stream().mapToDouble(Sample::live).max().orElse(0);
    double peakDirect = samples.stream().mapToDouble(Sample::direct).max().orElse(0);
    double peakTruth = samples.stream().mapToDouble(Sample::truth).max().orElse(0);
    Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
    Double firstShed = t.firstShedSeconds();
    Double samplerCpu =
        last == null || last.samplerCpuNanos() == 0
            ? null
            : 100.0 * last.samplerCpuNanos() / (last.serverSeconds() * 1e9);
    return new Measures(
        scenario.name(),
        contender,
        survived,
        survived ? null : round(exitedAt),
        Math.max(oomInProcess, outOfMemoryLines),
        critSent == 0 ? 1 : (double) critOk / critSent,
        ok / (double) scenario.seconds(),
        sent == 0 ? 0 : (double) shed / sent,
        falseSheds(t, samples),
        reaction(t, samples),
        survived ? backToHealthy(scenario, samples) : null,
        survived ? fullThroughput(scenario, t) : null,
        t.okLatency.getTotalCount() == 0 ? 0 : t.okLatency.getValueAtPercentile(50) / 1e6,
        t.okLatency.getTotalCount() == 0 ? 0 : t.okLatency.getValueAtPercentile(99) / 1e6,
        t.normalOkLatency.getTotalCount() == 0
            ? null
            : t.normalOkLatency.getValueAtPercentile(99) / 1e6,
        samplerCpu,
        peakLive,
        peakDirect,
        peakTruth,
        firstShed == null ? null : round(firstShed),
        firstShed == null ? null : round(liveAt(samples, firstShed)),
        sent,
        ok,
        shed,
        failed);
  }

  /** The live set the server last reported at or before {@code at}; 0 before the first report. */
  static double liveAt(List<Sample> samples, double at) {
    Sample s = sampleAt(samples, at);
    return s == null ? 0 : s.live();
  }

  /**
   * The ground truth the server last reported at or before {@code at}; 0 before the first report.
   */
  static double truthAt(List<Sample> samples, double at) {
    Sample s = sampleAt(samples, at);
    return s == null ? 0 : s.truth();
  }

  private static Sample sampleAt(List<Sample> samples, double at) {
    int lo = 0;
    int hi = samples.size() - 1;
    Sample found = null;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (samples.get(mid).at() <= at) {
        found = samples.get(mid);
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  private static long falseSheds(Timeline t, List<Sample> samples) {
    long n = 0;
    int count = Math.min(t.shedTimes.get(), Timeline.SHED_TIMES);
    for (int i = 0; i < count; i++) {
      if (truthAt(samples, t.shedAtMillis.get(i) / 1000.0) < WARNING) {
        n++;
      }
    }
    return n;
  }

  private static Double reaction(Timeline t, List<Sample> samples) {
    Double crossed = null;
    for (Sample s : samples) {
      if (s.live() >= OPEN) {
        crossed = s.at();
        break;
      }
    }
    Double first = t.firstShedSeconds();
    return crossed == null || first == null ? null : round(first - crossed);
  }

  private static Double backToHealthy(Scenario scenario, List<Sample> samples) {
    if (scenario.pressureEnds() < 0
        || samples.isEmpty()
        || !isBreakerState(samples.get(0).state())) {
      return null;
    }
    double lastUnhealthy = -1;
    for (Sample s : samples) {
      if (!"HEALTHY".equals(s.state())) {
        lastUnhealthy = s.at();
      }
    }
    if (lastUnhealthy < 0) {
      return 0.0; // never left HEALTHY
    }
    for (Sample s : samples) {
      if (s.at() > lastUnhealthy && "HEALTHY".equals(s.state())) {
        return round(Math.max(0, s.at() - scenario.pressureEnds()));
      }
    }
    return null; // not HEALTHY when the load ended
  }

  private static boolean isBreakerState(String state) {
    return List.of("HEALTHY", "WARNING", "DEGRADED", "OPEN", "HALF_OPEN").contains(state);
  }

  private static Double fullThroughput(Scenario scenario, Timeline t) {
    if (scenario.pressureEnds() < 0) {
      return null;
    }
    int from = (int) Math.ceil(scenario.pressureEnds());
    for (int s = from; s + 2 < t.seconds; s++) {
      if (full(scenario, t, s) && full(scenario, t, s + 1) && full(scenario, t, s + 2)) {
        return round(s - scenario.pressureEnds());
      }
    }
    return null;
  }

  private static boolean full(Scenario scenario, Timeline t, int second) {
    for (int k = 0; k < t.streams; k++) {
      if (scenario.traffic().get(k).baseline()) {
        long sent = t.sent(k, second);
        if (sent > 0 && t.ok(k, second) < 0.95 * sent) {
          return false;
        }
      }
    }
    return true;
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
