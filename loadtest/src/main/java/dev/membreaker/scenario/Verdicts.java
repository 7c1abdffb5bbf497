package dev.membreaker.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Per scenario, which contender did best on each measure, and whether membreaker met its goal: no
 * OutOfMemoryError, the highest CRITICAL success of all contenders, and no more false sheds than
 * the best peer that also survived (a peer: any guard, so not {@code none}). Apart from the goal,
 * the p99 bar of the calls membreaker admitted ({@link #p99Bar}). Computed from the measures alone,
 * so every run's report says it the same way.
 */
final class Verdicts {

  static final String MEMBREAKER = "membreaker";
  static final String NONE = "none";

  /** The scenario whose unprotected run gives the calm p99. */
  static final String CALM = "calm";

  /** membreaker's p99 may be this many times the best surviving peer's. */
  static final double P99_PEER_FACTOR = 1.25;

  /** Or this many milliseconds above the unprotected server's calm p99, whichever is larger. */
  static final double P99_CALM_MARGIN_MILLIS = 10;

  private Verdicts() {}

  /**
   * One scenario's verdict.
   *
   * @param p99Met whether membreaker's p99 met its bar; null when there is nothing to judge it by
   *     (membreaker died or did not run, or no peer survived and no calm run is in the results)
   * @param p99Bar the bar and how it was set, or why there is none
   */
  record Verdict(
      String scenario,
      Map<String, String> best,
      boolean goalMet,
      String goal,
      Boolean p99Met,
      String p99Bar) {}

  static List<Verdict> of(List<Measures> all) {
    Map<String, List<Measures>> byScenario =
        all.stream()
            .collect(
                Collectors.groupingBy(Measures::scenario, LinkedHashMap::new, Collectors.toList()));
    Double calmP99 =
        all.stream()
            .filter(m -> m.scenario().equals(CALM) && m.contender().equals(NONE) && alive(m))
            .map(Measures::p99Millis)
            .findFirst()
            .orElse(null);
    List<Verdict> verdicts = new ArrayList<>();
    byScenario.forEach((scenario, runs) -> verdicts.add(verdict(scenario, runs, calmP99)));
    return verdicts;
  }

  private static boolean alive(Measures m) {
    return m.survived() && m.outOfMemoryErrors() == 0;
  }

  private static Verdict verdict(String scenario, List<Measures> runs, Double calmP99) {
    List<Measures> alive = runs.stream().filter(Verdicts::alive).toList();
    Map<String, String> best = new LinkedHashMap<>();
    best.put(
        "survived without OOM",
        alive.isEmpty() ? "none of them" : alive.size() == runs.size() ? "all" : names(alive));
    best.put("CRITICAL ok", top(runs, Measures::criticalSuccess, true, v -> ScenarioReport.pct(v)));
    best.put(
        "goodput",
        top(runs, Measures::goodput, true, v -> String.format(Locale.ROOT, "%.1f/s", v)));
    List<Measures> guardsAlive = alive.stream().filter(m -> !m.contender().equals(NONE)).toList();
    best.put(
        "fewest false sheds (of the guards that survived)",
        top(guardsAlive, m -> m.falseSheds(), false, v -> String.format(Locale.ROOT, "%.0f", v)));
    List<Measures> recovered =
        alive.stream().filter(m -> m.fullThroughputSeconds() != null).toList();
    if (runs.stream().anyMatch(m -> m.fullThroughputSeconds() != null) || !recovered.isEmpty()) {
      best.put(
          "to full throughput",
          top(
              recovered,
              Measures::fullThroughputSeconds,
              false,
              v -> String.format(Locale.ROOT, "%.2f s", v)));
    }
    best.put(
        "p99 (of those that survived)",
        top(alive, Measures::p99Millis, false, v -> String.format(Locale.ROOT, "%.1f ms", v)));

    Measures mb =
        runs.stream().filter(m -> m.contender().equals(MEMBREAKER)).findFirst().orElse(null);
    if (mb == null) {
      return new Verdict(
          scenario, best, false, "membreaker did not run", null, "membreaker did not run");
    }
    List<String> misses = new ArrayList<>();
    if (!alive(mb)) {
      misses.add(mb.survived() ? mb.outOfMemoryErrors() + " OutOfMemoryError(s)" : "it died");
    }
    double topCritical = runs.stream().mapToDouble(Measures::criticalSuccess).max().orElse(0);
    if (mb.criticalSuccess() + 1e-9 < topCritical) {
      misses.add(
          "CRITICAL ok "
              + ScenarioReport.pct(mb.criticalSuccess())
              + " < "
              + ScenarioReport.pct(topCritical));
    }
    List<Measures> peersAlive =
        guardsAlive.stream().filter(m -> !m.contender().equals(MEMBREAKER)).toList();
    long bestPeerFalse =
        peersAlive.stream().mapToLong(Measures::falseSheds).min().orElse(Long.MAX_VALUE);
    if (!peersAlive.isEmpty() && mb.falseSheds() > bestPeerFalse) {
      misses.add(
          mb.falseSheds()
              + " false sheds > "
              + bestPeerFalse
              + " ("
              + names(peersAlive.stream().filter(m -> m.falseSheds() == bestPeerFalse).toList())
              + ")");
    }
    String goal = misses.isEmpty() ? "met" : "not met: " + String.join("; ", misses);
    Measures bestPeer =
        peersAlive.stream().min(Comparator.comparingDouble(Measures::p99Millis)).orElse(null);
    Boolean p99Met = null;
    String p99Bar;
    if (!alive(mb)) {
      p99Bar = "- (membreaker did not survive)";
    } else if (bestPeer == null && calmP99 == null) {
      p99Bar = "- (no peer survived, no calm run)";
    } else {
      double fromPeer = bestPeer == null ? 0 : P99_PEER_FACTOR * bestPeer.p99Millis();
      double fromCalm = calmP99 == null ? 0 : calmP99 + P99_CALM_MARGIN_MILLIS;
      double bar = Math.max(fromPeer, fromCalm);
      p99Met = mb.p99Millis() <= bar + 1e-9;
      List<String> how = new ArrayList<>();
      if (bestPeer != null) {
        how.add(
            String.format(
                Locale.ROOT,
                "%.2f × %s's %.1f",
                P99_PEER_FACTOR,
                bestPeer.contender(),
                bestPeer.p99Millis()));
      }
      if (calmP99 != null) {
        how.add(
            String.format(
                Locale.ROOT, "calm unprotected %.1f + %.0f", calmP99, P99_CALM_MARGIN_MILLIS));
      }
      p99Bar =
          String.format(
              Locale.ROOT,
              "%s: %.1f %s %.1f ms (%s)",
              p99Met ? "met" : "not met",
              mb.p99Millis(),
              p99Met ? "≤" : ">",
              bar,
              how.size() == 2 ? "the larger of " + String.join(" and ", how) : how.get(0));
      if (!p99Met && mb.normalP99Millis() != null) {
        p99Bar += normalTrafficBar(mb, peersAlive, fromCalm);
      }
    }
    return new Verdict(scenario, best, misses.isEmpty(), goal, p99Met, p99Bar);
  }

  /**
   * Where the p99 of all admitted calls misses its bar, the same bar on the normal traffic alone:
   * whether the calls every contender serves alike waited, or the pressure's own calls, which
   * membreaker may complete where a peer lost them, are what is slow.
   */
  private static String normalTrafficBar(Measures mb, List<Measures> peersAlive, double fromCalm) {
    double bestPeerNormal =
        peersAlive.stream()
            .map(Measures::normalP99Millis)
            .filter(java.util.Objects::nonNull)
            .mapToDouble(Double::doubleValue)
            .min()
            .orElse(0);
    double bar = Math.max(P99_PEER_FACTOR * bestPeerNormal, fromCalm);
    boolean met = mb.normalP99Millis() <= bar + 1e-9;
    return String.format(
        Locale.ROOT,
        "; the normal traffic alone: %.1f %s %.1f ms",
        mb.normalP99Millis(),
        met ? "≤" : ">",
        bar);
  }

  /** The contenders with the best value (ties all named), and the value. */
  private static String top(
      List<Measures> runs,
      ToDoubleFunction<Measures> f,
      boolean highest,
      Function<Double, String> format) {
    if (runs.isEmpty()) {
      return "-";
    }
    Comparator<Measures> order = Comparator.comparingDouble(f);
    double value =
        (highest ? runs.stream().max(order) : runs.stream().min(order))
            .map(f::applyAsDouble)
            .orElseThrow();
    List<Measures> at =
        runs.stream().filter(m -> Math.abs(f.applyAsDouble(m) - value) < 1e-9).toList();
    return names(at) + " (" + format.apply(value) + ")";
  }

  private static String names(List<Measures> runs) {
    return runs.stream().map(Measures::contender).collect(Collectors.joining(", "));
  }

  static String markdown(List<Measures> all) {
    StringBuilder b = new StringBuilder();
    List<Verdict> verdicts = of(all);
    b.append("\n### Verdicts\n\n");
    b.append("| scenario | membreaker's goal | membreaker's p99 bar | ");
    List<String> measures =
        new ArrayList<>(verdicts.isEmpty() ? List.of() : verdicts.get(0).best().keySet());
    measures.add("to full throughput");
    measures = measures.stream().distinct().toList();
    for (String m : measures) {
      b.append("best: ").append(m).append(" | ");
    }
    b.append('\n').append("|---|---|---|").append("---|".repeat(measures.size())).append('\n');
    for (Verdict v : verdicts) {
      b.append("| ")
          .append(v.scenario())
          .append(" | ")
          .append(v.goalMet() ? "**met**" : v.goal())
          .append(" | ")
          .append(v.p99Bar())
          .append(" | ");
      for (String m : measures) {
        b.append(v.best().getOrDefault(m, "-")).append(" | ");
      }
      b.append('\n');
    }
    long met = verdicts.stream().filter(Verdict::goalMet).count();
    b.append(
        String.format(
            Locale.ROOT,
            "%nThe goal (no OutOfMemoryError, the highest CRITICAL success, no more false"
                + " sheds than the best peer that survived) is met in %d of %d scenarios.%n",
            met,
            verdicts.size()));
    long judged = verdicts.stream().filter(v -> v.p99Met() != null).count();
    long p99Met = verdicts.stream().filter(v -> Boolean.TRUE.equals(v.p99Met())).count();
    b.append(
        String.format(
            Locale.ROOT,
            "The p99 bar (membreaker's p99 at most %.2f × the best surviving peer's, or %.0f ms"
                + " above the unprotected server's p99 in `calm`, whichever is larger) is met in"
                + " %d of the %d scenarios it could be judged in.%n",
            P99_PEER_FACTOR,
            P99_CALM_MARGIN_MILLIS,
            p99Met,
            judged));
    return b.toString();
  }
}
