package dev.membreaker.matrix;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The matrix's table and its one-line progress summaries. */
final class MatrixReport {

  private MatrixReport() {}

  static String oneLine(Map<String, Object> r) {
    if (r.containsKey("error")) {
      return "ERROR " + r.get("error");
    }
    return String.format(
        Locale.ROOT,
        "oom=%s shed=%s falseSheds=%s critical=%s opens=%s firstOpenAt=%s toHealthy=%s"
            + " confirmations/min=%s confirmPause p50/p99=%s/%s ms paused=%s stalls>50ms=%s (%s,"
            + " longest %s ms) peakHeld=%s final=%s",
        r.get("oom"),
        pct(r.get("shedShare")),
        r.get("falseSheds"),
        pct(r.get("criticalAdmitted")),
        r.get("opens"),
        r.get("firstOpenAt"),
        r.get("toHealthyAfterRelease"),
        r.get("confirmationsPerMinute"),
        r.get("confirmPauseP50Ms"),
        r.get("confirmPauseP99Ms"),
        pct(r.get("confirmPausedShare")),
        r.get("stallsOver50ms"),
        pct(r.get("stalledShare")),
        r.get("longestStallMs"),
        r.get("peakHeld"),
        r.get("finalState"));
  }

  static String markdown(List<Map<String, Object>> results, String heap, List<String> flags) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Heap -Xmx%s%s; %d runs.%n%n",
            heap,
            flags.isEmpty() ? "" : ", flags " + String.join(" ", flags),
            results.size()));
    b.append(
        "| collector | shape | guard | OOM at (s) | shed | false sheds | CRITICAL admitted | OPENs"
            + " | danger → OPEN (s) | to HEALTHY after release (s) | HEALTHY while held > recover |"
            + " confirmations/min | confirm pause p50/p99 (ms) | time paused confirming | stalled"
            + " (> 50 ms) | longest stall (ms) | peak held |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map<String, Object> r : results) {
      if (r.containsKey("error")) {
        b.append(
            String.format(
                "| %s | %s | %s | %s |||||||||||||%n",
                r.get("collector"), r.get("shape"), guard(r), r.get("error")));
        continue;
      }
      boolean gate = Boolean.TRUE.equals(r.get("gate"));
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s"
                  + " |%n",
              r.get("collector"),
              r.get("shape"),
              guard(r),
              Boolean.TRUE.equals(r.get("oom")) ? sinceDanger(r, r.get("oomAt")) : "none",
              gate ? pct(r.get("shedShare")) : "–",
              gate && !MatrixCommand.DANGEROUS.contains(String.valueOf(r.get("shape")))
                  ? r.get("falseSheds")
                  : "–",
              gate ? pct(r.get("criticalAdmitted")) : "–",
              gate ? r.get("opens") : "–",
              gate && r.get("firstOpenAt") != null && r.get("dangerAt") != null
                  ? sinceDanger(r, r.get("firstOpenAt"))
                  : "–",
              gate && r.get("releasedAt") != null
                  ? or(r.get("toHealthyAfterRelease"), "never")
                  : "–",
              gate ? r.get("healthyAboveRecover") : "–",
              r.get("confirmationsPerMinute"),
              r.get("confirmPauseP50Ms") == null
                  ? "–"
                  : r.get("confirmPauseP50Ms") + " / " + r.get("confirmPauseP99Ms"),
              pct(r.get("confirmPausedShare")),
              pct(r.get("stalledShare")),
              r.get("longestStallMs"),
              r.get("peakHeld")));
    }
    b.append(
        "\n"
            + "OOM at, danger → OPEN: seconds after the danger began (the surge's start; the leak's"
            + " first call). False sheds: refusals while the workload held less than the warning"
            + " watermark on purpose. Peak held: the most the workload held on purpose, as a share"
            + " of the heap. Stalled: the share of the run a thread sleeping 1 ms in a loop woke"
            + " more than 50 ms late (pauses of any kind, as jHiccup measures them).\n");
    return b.toString();
  }

  private static String guard(Map<String, Object> r) {
    return Boolean.TRUE.equals(r.get("gate")) ? "membreaker" : "unprotected";
  }

  private static String sinceDanger(Map<String, Object> r, Object at) {
    if (at == null) {
      return "–";
    }
    double danger = r.get("dangerAt") == null ? 0 : ((Number) r.get("dangerAt")).doubleValue();
    return String.format(Locale.ROOT, "%.2f", ((Number) at).doubleValue() - danger);
  }

  private static Object or(Object v, String otherwise) {
    return v == null ? otherwise : v;
  }

  private static String pct(Object share) {
    if (!(share instanceof Number)) {
      return "–";
    }
    return String.format(Locale.ROOT, "%.2f %%", ((Number) share).doubleValue() * 100);
  }
}
