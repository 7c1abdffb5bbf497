package dev.membreaker.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The run as ghz reports it: a readable summary, or JSON with ghz's field names. */
final class Reports {

  static final double[] PERCENTAGES = {10, 25, 50, 75, 90, 95, 99, 99.9};

  private Reports() {}

  static String summary(Results r) {
    StringBuilder b = new StringBuilder();
    Histogram h = r.all;
    b.append("\nSummary:\n");
    b.append(String.format(Locale.ROOT, "  Count:\t%d%n", r.count()));
    b.append(String.format(Locale.ROOT, "  Total:\t%s%n", time(r.totalNanos())));
    b.append(String.format(Locale.ROOT, "  Slowest:\t%s%n", time(h.getMaxValue())));
    b.append(String.format(Locale.ROOT, "  Fastest:\t%s%n", time(h.getMinValue())));
    b.append(String.format(Locale.ROOT, "  Average:\t%s%n", time((long) h.getMean())));
    b.append(String.format(Locale.ROOT, "  Requests/sec:\t%.2f%n", r.rps()));
    if (r.skipped.get() > 0) {
      b.append(String.format(Locale.ROOT, "  Skipped:\t%d (--skipFirst)%n", r.skipped.get()));
    }
    b.append("\nResponse time histogram:\n");
    if (h.getTotalCount() > 0) {
      long min = h.getMinValue();
      long max = h.getMaxValue();
      long step = Math.max(1, (max - min) / 10);
      long most = 1;
      long[] counts = new long[11];
      for (int i = 0; i <= 10; i++) {
        long lo = min + i * step;
        long hi = i == 10 ? max + 1 : lo + step;
        counts[i] = h.getCountBetweenValues(lo, hi - 1);
        most = Math.max(most, counts[i]);
      }
      for (int i = 0; i <= 10; i++) {
        b.append(String.format(Locale.ROOT, "  %-10s [%d]\t|%s%n", time(min + i * step), counts[i],
            "∎".repeat((int) (40 * counts[i] / most))));
      }
    }
    b.append("\nLatency distribution (all calls):\n");
    distribution(b, h);
    b.append("\nLatency distribution (OK calls only):\n");
    distribution(b, r.ok);
    b.append("\nStatus code distribution:\n");
    r.codeCounts().forEach((code, n) -> b.append(String.format(Locale.ROOT, "  [%s]\t%d responses%n", code, n)));
    if (!r.errors.isEmpty()) {
      b.append("\nError distribution:\n");
      r.errors.forEach((msg, n) -> b.append(String.format(Locale.ROOT, "  [%d]\t%s%n", n.sum(), msg)));
    }
    return b.toString();
  }

  private static void distribution(StringBuilder b, Histogram h) {
    if (h.getTotalCount() == 0) {
      b.append("  (none)\n");
      return;
    }
    for (double p : PERCENTAGES) {
      b.append(String.format(Locale.ROOT, "  %s %% in %s%n", trim(p), time(h.getValueAtPercentile(p))));
    }
  }

  private static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }

  static String time(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
    if (nanos >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.2f µs", nanos / 1e3);
  }

  /** ghz's JSON fields (times in nanoseconds), plus okLatencyDistribution. */
  static String json(Results r, String call) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = m.createObjectNode();
    o.put("date", Instant.now().toString());
    o.putObject("options").put("call", call);
    o.put("count", r.count());
    o.put("total", r.totalNanos());
    o.put("average", (long) r.all.getMean());
    o.put("fastest", r.count() == 0 ? 0 : r.all.getMinValue());
    o.put("slowest", r.all.getMaxValue());
    o.put("rps", r.rps());
    o.set("latencyDistribution", latencies(m, r.all));
    o.set("okLatencyDistribution", latencies(m, r.ok));
    ObjectNode codes = o.putObject("statusCodeDistribution");
    r.codeCounts().forEach(codes::put);
    ObjectNode errors = o.putObject("errorDistribution");
    for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> e : r.errors.entrySet()) {
      errors.put(e.getKey(), e.getValue().sum());
    }
    try {
      return m.writeValueAsString(o);
    } catch (Exception e) {
      throw new LoadException(2, "can't write JSON: " + e.getMessage());
    }
  }

  private static ArrayNode latencies(ObjectMapper m, Histogram h) {
    ArrayNode a = m.createArrayNode();
    if (h.getTotalCount() == 0) {
      return a;
    }
    for (double p : PERCENTAGES) {
      a.addObject().put("percentage", p).put("latency", h.getValueAtPercentile(p));
    }
    return a;
  }

  /** One row per call, in the order they ended: request number, start and duration, status. */
  static String csv(Results r) {
    StringBuilder b = new StringBuilder("request,start (ms),duration (ms),status,error\n");
    java.util.List<Results.Call> calls = new java.util.ArrayList<>(r.calls);
    calls.sort(java.util.Comparator.comparingLong(Results.Call::request));
    for (Results.Call c : calls) {
      long start = c.endNanos() - c.latencyNanos() - r.startNanos;
      b.append(c.request()).append(',')
          .append(String.format(Locale.ROOT, "%.3f", start / 1e6)).append(',')
          .append(String.format(Locale.ROOT, "%.3f", c.latencyNanos() / 1e6)).append(',')
          .append(c.code()).append(',')
          .append('"').append(c.error().replace("\"", "\"\"")).append('"').append('\n');
    }
    return b.toString();
  }
}
