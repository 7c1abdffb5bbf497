package dev.membreaker.load;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A pass/fail gate for CI use, such as {@code p99<200ms}, {@code error_rate<0.01} or {@code
 * rps>=500}. Metrics: {@code p50}..{@code p99.9} (all calls), {@code ok_p50}..{@code ok_p99.9} (OK
 * calls only), {@code average}, {@code slowest}, {@code error_rate}, {@code rps}, {@code count}.
 */
final class Gate {

  private static final Pattern GATE =
      Pattern.compile("\\s*([a-z_]+(?:\\d+(?:\\.\\d+)?)?)\\s*(<=|>=|<|>)\\s*([0-9.]+)\\s*(ms|s|us|µs)?\\s*");

  final String text;
  private final String metric;
  private final String op;
  private final double bound;

  private Gate(String text, String metric, String op, double bound) {
    this.text = text;
    this.metric = metric;
    this.op = op;
    this.bound = bound;
  }

  static Gate parse(String text) {
    Matcher m = GATE.matcher(text);
    if (!m.matches()) {
      throw new LoadException(2, "--assert '" + text + "' is not METRIC<VALUE (e.g. 'p99<200ms', 'error_rate<0.01')");
    }
    String unit = m.group(4);
    double v = Double.parseDouble(m.group(3));
    if (unit != null) {
      v *= unit.equals("s") ? 1e9 : unit.equals("ms") ? 1e6 : 1e3;
    }
    Gate g = new Gate(text.trim(), m.group(1), m.group(2), v);
    g.known();
    return g;
  }

  private void known() {
    if (!(metric.matches("(ok_)?p\\d+(\\.\\d+)?") || metric.equals("average") || metric.equals("slowest")
        || metric.equals("error_rate") || metric.equals("rps") || metric.equals("count"))) {
      throw new LoadException(2, "--assert '" + text + "': unknown metric " + metric);
    }
  }

  double value(Results r) {
    if (metric.startsWith("p") || metric.startsWith("ok_p")) {
      boolean ok = metric.startsWith("ok_");
      double p = Double.parseDouble(metric.substring(ok ? 4 : 1));
      return (ok ? r.ok : r.all).getValueAtPercentile(p);
    }
    switch (metric) {
      case "average": return r.all.getMean();
      case "slowest": return r.all.getMaxValue();
      case "error_rate": return r.count() == 0 ? 0 : (r.count() - r.ok.getTotalCount()) / (double) r.count();
      case "rps": return r.rps();
      default: return r.count();
    }
  }

  boolean holds(Results r) {
    double v = value(r);
    switch (op) {
      case "<": return v < bound;
      case "<=": return v <= bound;
      case ">": return v > bound;
      default: return v >= bound;
    }
  }

  String describe(Results r) {
    double v = value(r);
    boolean time = metric.contains("p") && !metric.equals("rps") || metric.equals("average") || metric.equals("slowest");
    return String.format(Locale.ROOT, "%s: %s (%s)", holds(r) ? "passed" : "FAILED", text,
        time ? Reports.time((long) v) : String.format(Locale.ROOT, "%.4g", v));
  }
}
