package dev.membreaker.scenario;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scenarios' report: one line per run, the Markdown table, and the self-contained HTML page.
 */
final class ScenarioReport {

  private static final int W = 420;
  private static final int H = 190;
  private static final int PAD = 34;
  private static final Map<String, String> STATE_COLORS = new java.util.LinkedHashMap<>();

  static {
    STATE_COLORS.put("HEALTHY", "#a5d6a7");
    STATE_COLORS.put("WARNING", "#fff59d");
    STATE_COLORS.put("DEGRADED", "#ffcc80");
    STATE_COLORS.put("OPEN", "#ef9a9a");
    STATE_COLORS.put("HALF_OPEN", "#90caf9");
  }

  private ScenarioReport() {}

  static String oneLine(Measures m) {
    return String.format(
        Locale.ROOT,
        "%s; OOM %d; CRITICAL ok %s; goodput %.1f/s; shed %s (false %d); p99 %.1f ms"
            + " (normal traffic %s ms)",
        m.survived() ? "survived" : "DIED at " + m.diedAtSeconds() + " s",
        m.outOfMemoryErrors(),
        pct(m.criticalSuccess()),
        m.goodput(),
        pct(m.shedShare()),
        m.falseSheds(),
        m.p99Millis(),
        millis(m.normalP99Millis()));
  }

  /** Where and how the numbers were taken. */
  static String environment(String heap, String collector, boolean quick) {
    return String.format(
        Locale.ROOT,
        "%s %s, %d CPUs, %s %s; each server -Xmx%s -Xms%s -XX:+ExitOnOutOfMemoryError, %s;%s",
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        heap,
        heap,
        collector,
        quick ? " quick forms" : " full forms");
  }

  static String markdown(List<Measures> all, String environment) {
    StringBuilder b = new StringBuilder();
    b.append(
        "| scenario | contender | survived | OOM errors | CRITICAL ok | goodput /s | shed | false"
            + " sheds | first shed s (live then) | reaction s | to HEALTHY s | to full throughput s"
            + " | p50 ms | p99 ms | normal p99 ms | peak live | peak truth | peak direct | sampler"
            + " CPU |\n");
    b.append(
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Measures m : all) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %s | %.1f | %s | %d | %s | %s | %s | %s | %.1f | %.1f | %s |"
                  + " %.2f | %.2f | %.2f | %s |\n",
              m.scenario(),
              m.contender(),
              m.survived() ? "yes" : "**died at " + m.diedAtSeconds() + " s**",
              m.outOfMemoryErrors(),
              pct(m.criticalSuccess()),
              m.goodput(),
              pct(m.shedShare()),
              m.falseSheds(),
              firstShed(m),
              num(m.reactionSeconds()),
              num(m.backToHealthySeconds()),
              num(m.fullThroughputSeconds()),
              m.p50Millis(),
              m.p99Millis(),
              millis(m.normalP99Millis()),
              m.peakLive(),
              m.peakTruth(),
              m.peakDirect(),
              m.samplerCpuPercent() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f %%", m.samplerCpuPercent())));
    }
    b.append("\n").append(environment).append("\n");
    b.append(Verdicts.markdown(all));
    return b.toString();
  }

  static String html(List<ScenarioRun.Result> results, String environment) {
    StringBuilder b = new StringBuilder();
    b.append(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>membreaker"
            + " scenarios</title><style>"
            + "body{font-family:sans-serif;margin:20px;color:#222}table{border-collapse:collapse;font-size:13px}td,th{padding:2px"
            + " 8px;text-align:right;border-bottom:1px solid"
            + " #eee}td:first-child,td:nth-child(2){text-align:left}svg{background:#fafafa;border:1px"
            + " solid"
            + " #ddd;margin-right:6px}.axis{font-size:10px;fill:#555}.row{display:flex;align-items:flex-start;margin:4px"
            + " 0}.who{width:130px;font-weight:bold;padding-top:8px}.legend"
            + " span{display:inline-block;margin-right:14px;font-size:12px}</style></head><body>");
    b.append("<h1>membreaker proof scenarios</h1><p>").append(esc(environment)).append("</p>");
    b.append(htmlTable(results.stream().map(ScenarioRun.Result::measures).toList()));
    b.append(
        "<p class=\"legend\"><span style=\"color:#000\">&#9632; truth: held on purpose</span><span"
            + " style=\"color:#e65100\">&#9632; the guard's own reading</span><span"
            + " style=\"color:#1565c0\">&#9632; live set after GC (membreaker's estimate, read in"
            + " every server)</span><span style=\"color:#9e9e9e\">&#9632; raw heap used (highest"
            + " per 100 ms)</span><span style=\"color:#6a1b9a\">&#9632; direct memory</span><span>-"
            + " - watermarks 0.70 / 0.80 / 0.90</span><span>band: breaker state ");
    STATE_COLORS.forEach(
        (state, color) ->
            b.append("<span style=\"background:")
                .append(color)
                .append("\">")
                .append(state)
                .append("</span>"));
    b.append(
        "</span><span style=\"color:#2e7d32\">&#9632; OK/s</span><span"
            + " style=\"color:#f9a825\">&#9632; shed/s</span><span style=\"color:#c62828\">&#9632;"
            + " failed/s</span></p>");
    String current = null;
    for (ScenarioRun.Result r : results) {
      if (!r.scenario().name().equals(current)) {
        current = r.scenario().name();
        b.append("<h2 id=\"")
            .append(esc(current))
            .append("\">")
            .append(esc(current))
            .append("</h2><p>")
            .append(esc(r.scenario().summary()))
            .append("; ")
            .append(r.scenario().seconds())
            .append(" s, with payments 20/s and quotes 50/s throughout.</p>");
        b.append("<div class=\"row\"><div class=\"who\"></div><div style=\"width:")
            .append(W + 8)
            .append("px\">memory (fraction of limit) and state</div>")
            .append("<div style=\"width:")
            .append(W + 8)
            .append("px\">calls per second</div><div>p99 latency of OK calls (ms)</div></div>");
      }
      b.append("<div class=\"row\"><div class=\"who\">")
          .append(esc(r.measures().contender()))
          .append("<br><small>")
          .append(
              r.measures().survived()
                  ? "survived"
                  : "died at " + r.measures().diedAtSeconds() + " s")
          .append("</small></div>")
          .append(memoryChart(r))
          .append(callsChart(r))
          .append(latencyChart(r))
          .append("</div>");
    }
    b.append("</body></html>\n");
    return b.toString();
  }

  private static String htmlTable(List<Measures> all) {
    StringBuilder b =
        new StringBuilder(
            "<table><tr><th>scenario</th><th>contender</th><th>survived</th><th>OOM</th><th>CRITICAL"
                + " ok</th><th>goodput/s</th><th>shed</th><th>false sheds</th><th>first shed s"
                + " (live)</th><th>reaction s</th><th>to HEALTHY s</th><th>to full s</th><th>p50"
                + " ms</th><th>p99 ms</th><th>normal p99 ms</th><th>peak live</th><th>peak"
                + " truth</th><th>peak direct</th><th>sampler CPU</th></tr>");
    for (Measures m : all) {
      b.append(
          String.format(
              Locale.ROOT,
              "<tr><td>%s</td><td>%s</td><td>%s</td><td>%d</td><td>%s</td><td>%.1f</td><td>%s</td>"
                  + "<td>%d</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%.1f</td><td>%.1f</td><td>%s</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%s</td></tr>",
              esc(m.scenario()),
              esc(m.contender()),
              m.survived() ? "yes" : "<b>died " + m.diedAtSeconds() + " s</b>",
              m.outOfMemoryErrors(),
              pct(m.criticalSuccess()),
              m.goodput(),
              pct(m.shedShare()),
              m.falseSheds(),
              firstShed(m),
              num(m.reactionSeconds()),
              num(m.backToHealthySeconds()),
              num(m.fullThroughputSeconds()),
              m.p50Millis(),
              m.p99Millis(),
              millis(m.normalP99Millis()),
              m.peakLive(),
              m.peakTruth(),
              m.peakDirect(),
              m.samplerCpuPercent() == null
                  ? "-"
                  : String.format(Locale.ROOT, "%.2f%%", m.samplerCpuPercent())));
    }
    return b.append("</table>").toString();
  }

  private static double x(double at, int seconds) {
    return PAD + (W - PAD - 8) * Math.max(0, Math.min(at, seconds)) / seconds;
  }

  private static double y(double v, double max) {
    return H - 20 - (H - 30) * Math.max(0, Math.min(v, max)) / max;
  }

  private static StringBuilder frame(int seconds, double max, String unit) {
    StringBuilder b =
        new StringBuilder(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\">");
    b.append(line(PAD, H - 20, W - 8, H - 20, "#999", false))
        .append(line(PAD, 10, PAD, H - 20, "#999", false));
    for (int k = 0; k <= 4; k++) {
      double v = max * k / 4;
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"axis\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>",
              PAD - 3,
              y(v, max) + 3,
              max <= 1
                  ? String.format(Locale.ROOT, "%.2f", v)
                  : String.format(Locale.ROOT, "%.0f", v)));
    }
    int step = seconds <= 30 ? 5 : 10;
    for (int s = 0; s <= seconds; s += step) {
      b.append(
          String.format(
              Locale.ROOT,
              "<text class=\"axis\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%ds</text>",
              x(s, seconds),
              H - 6,
              s));
    }
    b.append("<text class=\"axis\" x=\"")
        .append(W - 10)
        .append("\" y=\"20\" text-anchor=\"end\">")
        .append(unit)
        .append("</text>");
    return b;
  }

  private static String memoryChart(ScenarioRun.Result r) {
    int seconds = r.scenario().seconds();
    StringBuilder b = frame(seconds, 1.0, "");
    List<Sample> samples = r.samples();
    for (int i = 0; i < samples.size(); i++) { // state bands along the top
      String color = STATE_COLORS.get(samples.get(i).state());
      if (color != null) {
        double to = i + 1 < samples.size() ? samples.get(i + 1).at() : samples.get(i).at() + 0.1;
        b.append(
            String.format(
                Locale.ROOT,
                "<rect x=\"%.1f\" y=\"10\" width=\"%.2f\" height=\"%d\" fill=\"%s\""
                    + " opacity=\"0.55\"/>",
                x(samples.get(i).at(), seconds),
                Math.max(0.5, x(to, seconds) - x(samples.get(i).at(), seconds)),
                H - 30,
                color));
      }
    }
    for (double w : new double[] {0.70, 0.80, 0.90}) {
      b.append(line(PAD, y(w, 1), W - 8, y(w, 1), "#777", true));
    }
    b.append(polyline(samples, seconds, Sample::heapPeak, "#9e9e9e"));
    if (samples.stream().anyMatch(s -> s.direct() > 0.02)) {
      b.append(polyline(samples, seconds, Sample::direct, "#6a1b9a"));
    }
    b.append(polyline(samples, seconds, Sample::live, "#1565c0"));
    if (samples.stream().anyMatch(s -> s.reading() >= 0)) {
      b.append(
          polyline(
              samples.stream().filter(s -> s.reading() >= 0).toList(),
              seconds,
              Sample::reading,
              "#e65100"));
    }
    b.append(polyline(samples, seconds, Sample::retained, "#000"));
    if (!r.measures().survived()) {
      double at = x(r.measures().diedAtSeconds(), seconds);
      b.append(line(at, 10, at, H - 20, "#c62828", false))
          .append(
              String.format(
                  Locale.ROOT,
                  "<text x=\"%.1f\" y=\"24\" fill=\"#c62828\" font-size=\"11\""
                      + " text-anchor=\"end\">OOM: died</text>",
                  at - 3));
    }
    return b.append("</svg>").toString();
  }

  private static String callsChart(ScenarioRun.Result r) {
    Timeline t = r.timeline();
    long[][] bars = new long[t.seconds][3];
    long max = 1;
    for (int s = 0; s < t.seconds; s++) {
      for (int k = 0; k < t.streams; k++) {
        bars[s][0] += t.ok(k, s);
        bars[s][1] += t.shed(k, s);
        bars[s][2] += t.failed(k, s);
      }
      max = Math.max(max, bars[s][0] + bars[s][1] + bars[s][2]);
    }
    double top = niceMax(max);
    StringBuilder b = frame(t.seconds, top, "calls/s");
    String[] colors = {"#2e7d32", "#f9a825", "#c62828"};
    double width = (W - PAD - 8.0) / t.seconds;
    for (int s = 0; s < t.seconds; s++) {
      double base = 0;
      for (int c = 0; c < 3; c++) {
        if (bars[s][c] > 0) {
          double y0 = y(base, top);
          double y1 = y(base + bars[s][c], top);
          b.append(
              String.format(
                  Locale.ROOT,
                  "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
                  x(s, t.seconds) + 0.5,
                  y1,
                  Math.max(0.5, width - 1),
                  y0 - y1,
                  colors[c]));
          base += bars[s][c];
        }
      }
    }
    return b.append("</svg>").toString();
  }

  private static String latencyChart(ScenarioRun.Result r) {
    Timeline t = r.timeline();
    double max = 1;
    double[] p99 = new double[t.seconds];
    for (int s = 0; s < t.seconds; s++) {
      p99[s] =
          t.okLatencyBySecond[s].getTotalCount() == 0
              ? -1
              : t.okLatencyBySecond[s].getValueAtPercentile(99) / 1e6;
      max = Math.max(max, p99[s]);
    }
    double top = niceMax(max);
    StringBuilder b = frame(t.seconds, top, "ms");
    StringBuilder points = new StringBuilder();
    for (int s = 0; s < t.seconds; s++) {
      if (p99[s] >= 0) {
        points.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x(s + 0.5, t.seconds), y(p99[s], top)));
      }
    }
    b.append("<polyline fill=\"none\" stroke=\"#ef6c00\" stroke-width=\"1.5\" points=\"")
        .append(points)
        .append("\"/>");
    return b.append("</svg>").toString();
  }

  private static String polyline(
      List<Sample> samples,
      int seconds,
      java.util.function.ToDoubleFunction<Sample> f,
      String color) {
    StringBuilder p = new StringBuilder();
    for (Sample s : samples) {
      if (s.at() <= seconds + 10) {
        p.append(
            String.format(Locale.ROOT, "%.1f,%.1f ", x(s.at(), seconds), y(f.applyAsDouble(s), 1)));
      }
    }
    return "<polyline fill=\"none\" stroke=\""
        + color
        + "\" stroke-width=\"1.5\" points=\""
        + p
        + "\"/>";
  }

  private static String line(
      double x1, double y1, double x2, double y2, String color, boolean dashed) {
    return String.format(
        Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"%s/>",
        x1,
        y1,
        x2,
        y2,
        color,
        dashed ? " stroke-dasharray=\"4,3\"" : "");
  }

  private static double niceMax(double v) {
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= v) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  static String pct(double fraction) {
    return String.format(Locale.ROOT, "%.1f %%", fraction * 100);
  }

  private static String firstShed(Measures m) {
    return m.firstShedSeconds() == null
        ? "-"
        : String.format(Locale.ROOT, "%.2f (%.2f)", m.firstShedSeconds(), m.liveAtFirstShed());
  }

  private static String millis(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String num(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
