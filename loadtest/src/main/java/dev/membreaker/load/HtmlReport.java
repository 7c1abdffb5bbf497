package dev.membreaker.load;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * A single self-contained HTML file with three charts drawn as inline SVG (no script, no network
 * needed to view it): the latency histogram, latency over time (p50 and p99 per second) and status
 * codes over time (calls per second by code), plus the summary's tables.
 */
final class HtmlReport {

  private static final int W = 900;
  private static final int H = 260;
  private static final int PAD = 50;
  private static final String[] COLORS = {
    "#2e7d32", "#c62828", "#f9a825", "#1565c0", "#6a1b9a", "#00838f", "#ef6c00"
  };

  private HtmlReport() {}

  /**
   * The report; the breaker's transitions (from --admin; may be empty) are marked on the over-time
   * charts.
   */
  static String render(Results r, String call, List<Map.Entry<Double, String>> transitions) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>membreaker load: ")
        .append(esc(call))
        .append(
            "</title><style>body{font-family:sans-serif;margin:24px;color:#222}h2{margin-top:32px}table{border-collapse:collapse}td,th{padding:2px"
                + " 12px;text-align:right}svg{background:#fafafa;border:1px solid"
                + " #ddd}.axis{font-size:11px;fill:#555}</style></head><body>");
    b.append("<h1>").append(esc(call)).append("</h1><p>").append(Instant.now()).append("</p>");
    b.append(
            "<table><tr><th>count</th><th>total</th><th>average</th><th>fastest</th><th>slowest</th><th>req/s</th></tr><tr>")
        .append(td(Long.toString(r.count())))
        .append(td(Reports.time(r.totalNanos())))
        .append(td(Reports.time((long) r.all.getMean())))
        .append(td(Reports.time(r.all.getMinValue())))
        .append(td(Reports.time(r.all.getMaxValue())))
        .append(td(String.format(Locale.ROOT, "%.1f", r.rps())))
        .append("</tr></table>");
    b.append("<h2>Latency histogram</h2>").append(histogram(r.all));
    b.append("<h2>Latency over time (p50, p99 per second)</h2>")
        .append(marks(latencyOverTime(r), r, transitions));
    b.append("<h2>Status codes over time (calls per second)</h2>")
        .append(marks(codesOverTime(r), r, transitions));
    b.append(
        "<h2>Latency distribution</h2><table><tr><th>%</th><th>all calls</th><th>OK"
            + " calls</th></tr>");
    for (double p : Reports.PERCENTAGES) {
      b.append("<tr>")
          .append(td(Double.toString(p)))
          .append(
              td(r.all.getTotalCount() == 0 ? "-" : Reports.time(r.all.getValueAtPercentile(p))))
          .append(td(r.ok.getTotalCount() == 0 ? "-" : Reports.time(r.ok.getValueAtPercentile(p))))
          .append("</tr>");
    }
    b.append("</table><h2>Status codes</h2><table>");
    r.codeCounts()
        .forEach(
            (code, n) ->
                b.append("<tr><td>")
                    .append(code)
                    .append("</td>")
                    .append(td(Long.toString(n)))
                    .append("</tr>"));
    b.append("</table></body></html>\n");
    return b.toString();
  }

  /** Vertical dashed lines at the breaker's transitions, labelled with the state entered. */
  private static String marks(String svg, Results r, List<Map.Entry<Double, String>> transitions) {
    Map<Long, List<Results.Call>> seconds = bySecond(r);
    if (transitions.isEmpty() || seconds.isEmpty()) {
      return svg;
    }
    long last = Math.max(1, ((TreeMap<Long, List<Results.Call>>) seconds).lastKey());
    StringBuilder m = new StringBuilder();
    int k = 0;
    for (Map.Entry<Double, String> t : transitions) {
      double x = PAD + (W - PAD - 20) * Math.min(1, t.getKey() / last);
      m.append(
          String.format(
              Locale.ROOT,
              "<line class=\"transition\" x1=\"%.1f\" y1=\"10\" x2=\"%.1f\" y2=\"%d\""
                  + " stroke=\"#555\" stroke-dasharray=\"4 3\"/><text class=\"axis\" x=\"%.1f\""
                  + " y=\"%d\">%s</text>",
              x,
              x,
              H - PAD,
              x + 3,
              22 + 12 * (k++ % 4),
              esc(t.getValue())));
    }
    return svg.replace("</svg>", m + "</svg>");
  }

  private static String td(String s) {
    return "<td>" + esc(s) + "</td>";
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String svgOpen(String id) {
    return "<svg id=\""
        + id
        + "\" class=\"chart\" width=\""
        + W
        + "\" height=\""
        + H
        + "\" viewBox=\"0 0 "
        + W
        + " "
        + H
        + "\" xmlns=\"http://www.w3.org/2000/svg\">";
  }

  private static String axes(String xLabel, String yLabel, String yMax) {
    return "<line x1=\""
        + PAD
        + "\" y1=\""
        + (H - PAD)
        + "\" x2=\""
        + (W - 10)
        + "\" y2=\""
        + (H - PAD)
        + "\" stroke=\"#888\"/>"
        + "<line x1=\""
        + PAD
        + "\" y1=\"10\" x2=\""
        + PAD
        + "\" y2=\""
        + (H - PAD)
        + "\" stroke=\"#888\"/>"
        + "<text class=\"axis\" x=\""
        + (W / 2)
        + "\" y=\""
        + (H - 12)
        + "\">"
        + esc(xLabel)
        + "</text>"
        + "<text class=\"axis\" x=\"4\" y=\"20\">"
        + esc(yMax)
        + "</text>"
        + "<text class=\"axis\" x=\"4\" y=\""
        + (H / 2)
        + "\">"
        + esc(yLabel)
        + "</text>";
  }

  private static String histogram(Histogram h) {
    StringBuilder s = new StringBuilder(svgOpen("histogram"));
    if (h.getTotalCount() == 0) {
      return s.append("</svg>").toString();
    }
    int bars = 30;
    long min = h.getMinValue();
    long max = h.getMaxValue();
    double width = Math.max(1, (max - min + 1) / (double) bars);
    long[] counts = new long[bars];
    long most = 1;
    for (int i = 0; i < bars; i++) {
      counts[i] =
          h.getCountBetweenValues(min + (long) (i * width), min + (long) ((i + 1) * width) - 1);
      most = Math.max(most, counts[i]);
    }
    s.append(axes(Reports.time(min) + " .. " + Reports.time(max), "calls", Long.toString(most)));
    double bw = (W - PAD - 20) / (double) bars;
    for (int i = 0; i < bars; i++) {
      double bh = (H - PAD - 20) * counts[i] / (double) most;
      s.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                  + " fill=\"#1565c0\"/>",
              PAD + i * bw + 1,
              H - PAD - bh,
              bw - 2,
              bh));
    }
    return s.append("</svg>").toString();
  }

  /** Per whole second of the run: the calls that ended in it. */
  private static Map<Long, List<Results.Call>> bySecond(Results r) {
    Map<Long, List<Results.Call>> m = new TreeMap<>();
    if (r.calls != null) {
      for (Results.Call c : r.calls) {
        m.computeIfAbsent(
                Math.max(0, (c.endNanos() - r.startNanos) / 1_000_000_000L), k -> new ArrayList<>())
            .add(c);
      }
    }
    return m;
  }

  private static String latencyOverTime(Results r) {
    Map<Long, List<Results.Call>> seconds = bySecond(r);
    StringBuilder s = new StringBuilder(svgOpen("latency-over-time"));
    if (seconds.isEmpty()) {
      return s.append("</svg>").toString();
    }
    long last = ((TreeMap<Long, List<Results.Call>>) seconds).lastKey();
    Map<Long, long[]> pcts = new TreeMap<>();
    long top = 1;
    for (Map.Entry<Long, List<Results.Call>> e : seconds.entrySet()) {
      long[] l = e.getValue().stream().mapToLong(Results.Call::latencyNanos).sorted().toArray();
      long p50 = l[(int) Math.min(l.length - 1, Math.ceil(0.50 * l.length) - 1)];
      long p99 = l[(int) Math.min(l.length - 1, Math.max(0, Math.ceil(0.99 * l.length) - 1))];
      pcts.put(e.getKey(), new long[] {p50, p99});
      top = Math.max(top, p99);
    }
    s.append(axes("seconds into the run (0.." + last + ")", "latency", Reports.time(top)));
    String[] names = {"p50", "p99"};
    for (int k = 0; k < 2; k++) {
      StringBuilder pts = new StringBuilder();
      for (Map.Entry<Long, long[]> e : pcts.entrySet()) {
        double x = PAD + (W - PAD - 20) * (last == 0 ? 0.5 : e.getKey() / (double) last);
        double y = H - PAD - (H - PAD - 20) * e.getValue()[k] / (double) top;
        pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      s.append("<polyline class=\"line\" fill=\"none\" stroke-width=\"2\" stroke=\"")
          .append(COLORS[k == 0 ? 3 : 1])
          .append("\" points=\"")
          .append(pts.toString().trim())
          .append("\"><title>")
          .append(names[k])
          .append("</title></polyline>");
      s.append("<text class=\"axis\" x=\"")
          .append(PAD + 80 * k)
          .append("\" y=\"")
          .append(H - 28)
          .append("\" style=\"fill:")
          .append(COLORS[k == 0 ? 3 : 1])
          .append("\">")
          .append(names[k])
          .append("</text>");
    }
    return s.append("</svg>").toString();
  }

  private static String codesOverTime(Results r) {
    Map<Long, List<Results.Call>> seconds = bySecond(r);
    StringBuilder s = new StringBuilder(svgOpen("codes-over-time"));
    if (seconds.isEmpty()) {
      return s.append("</svg>").toString();
    }
    long last = ((TreeMap<Long, List<Results.Call>>) seconds).lastKey();
    List<String> codes = new ArrayList<>(r.codeCounts().keySet());
    long most = 1;
    for (List<Results.Call> calls : seconds.values()) {
      most = Math.max(most, calls.size());
    }
    s.append(axes("seconds into the run (0.." + last + ")", "calls/s", Long.toString(most)));
    double bw = (W - PAD - 20) / (double) (last + 1);
    for (Map.Entry<Long, List<Results.Call>> e : seconds.entrySet()) {
      double y = H - PAD;
      for (int c = 0; c < codes.size(); c++) {
        String code = codes.get(c);
        long n = e.getValue().stream().filter(x -> x.code().name().equals(code)).count();
        double bh = (H - PAD - 20) * n / (double) most;
        y -= bh;
        s.append(
            String.format(
                Locale.ROOT,
                "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\""
                    + " fill=\"%s\"><title>%s %d</title></rect>",
                PAD + e.getKey() * bw + 1,
                y,
                Math.max(1, bw - 2),
                bh,
                COLORS[c % COLORS.length],
                code,
                n));
      }
    }
    for (int c = 0; c < codes.size(); c++) {
      s.append("<text class=\"axis\" x=\"")
          .append(PAD + 160 * c)
          .append("\" y=\"")
          .append(H - 28)
          .append("\" style=\"fill:")
          .append(COLORS[c % COLORS.length])
          .append("\">")
          .append(codes.get(c))
          .append("</text>");
    }
    return s.append("</svg>").toString();
  }
}
