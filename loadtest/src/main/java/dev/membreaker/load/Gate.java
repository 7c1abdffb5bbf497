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
      Pattern.compile(
          "\\s*([a-z_]+(?:\\d+(?:\\.\\d+)?)?)\\s*(<=|>=|<|>)\\s*([0-9]+(?:\\.[0-9]+)?)\\s*([a-zµ]+)?\\s*");

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
      throw new LoadException(
          2, "--assert '" + text + "' is not METRIC<VALUE (e.g. 'p99<200ms', 'error_rate<0.01')");
    }
    String unit = m.group(4);
    double v = Double.parseDouble(m.group(3));
    Gate g = new Gate(text.trim(), m.group(1), m.group(2), v);
    g.known();
    if (g.isTime()) {
      if (unit == null) {
        throw new LoadException(
            2,
            "--assert '"
                + text
                + "': "
                + m.group(1)
                + " is a time; give its unit, e.g. '"
                + m.group(1)
                + m.group(2)
                + m.group(3)
                + "ms' (ns, us, ms or s)");
      }
      double scale =
          switch (unit) {
            case "ns" -> 1;
            case "us", "µs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            default ->
                throw new LoadException(
                    2, "--assert '" + text + "': unknown unit " + unit + " (ns, us, ms or s)");
          };
      return new Gate(g.text, g.metric, g.op, v * scale);
    }
    if (unit != null) {
      throw new LoadException(
          2, "--assert '" + text + "': " + m.group(1) + " is not a time; write it without a unit");
    }
    return g;
  }

  private boolean isTime() {
    return metric.matches("(ok_)?p\\d+(\\.\\d+)?")
        || metric.equals("average")
        || metric.equals("slowest");
  }

  private void known() {
    if (!(metric.matches("(ok_)?p\\d+(\\.\\d+)?")
        || metric.equals("average")
        || metric.equals("slowest")
        || metric.equals("error_rate")
        || metric.equals("rps")
        || metric.equals("count"))) {
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
      case "average":
        return r.all.getMean();
      case "slowest":
        return r.all.getMaxValue();
      case "error_rate":
        return r.count() == 0 ? 0 : (r.count() - r.ok.getTotalCount()) / (double) r.count();
      case "rps":
        return r.rps();
      default:
        return r.count();
    }
  }

  boolean holds(Results r) {
    double v = value(r);
    switch (op) {
      case "<":
        return v < bound;
      case "<=":
        return v <= bound;
      case ">":
        return v > bound;
      default:
        return v >= bound;
    }
  }

  String describe(Results r) {
    double v = value(r);
    return String.format(
        Locale.ROOT,
        "%s: %s (%s)",
        holds(r) ? "passed" : "FAILED",
        text,
        isTime() ? Reports.time((long) v) : String.format(Locale.ROOT, "%.4g", v));
  }
}
