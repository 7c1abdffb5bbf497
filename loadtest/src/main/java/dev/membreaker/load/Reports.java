package dev.membreaker.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
        b.append(
            String.format(
                Locale.ROOT,
                "  %-10s [%d]\t|%s%n",
                time(min + i * step),
                counts[i],
                "∎".repeat((int) (40 * counts[i] / most))));
      }
    }
    b.append("\nLatency distribution (all calls):\n");
    distribution(b, h);
    b.append("\nLatency distribution (OK calls only):\n");
    distribution(b, r.ok);
    b.append("\nStatus code distribution:\n");
    r.codeCounts()
        .forEach(
            (code, n) -> b.append(String.format(Locale.ROOT, "  [%s]\t%d responses%n", code, n)));
    if (!r.errors.isEmpty()) {
      b.append("\nError distribution:\n");
      r.errors.forEach(
          (msg, n) -> b.append(String.format(Locale.ROOT, "  [%d]\t%s%n", n.sum(), msg)));
    }
    return b.toString();
  }

  private static void distribution(StringBuilder b, Histogram h) {
    if (h.getTotalCount() == 0) {
      b.append("  (none)\n");
      return;
    }
    for (double p : PERCENTAGES) {
      b.append(
          String.format(Locale.ROOT, "  %s %% in %s%n", trim(p), time(h.getValueAtPercentile(p))));
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

  /** ghz's percentages for {@code latencyDistribution}. */
  private static final int[] GHZ_PERCENTAGES = {10, 25, 50, 75, 90, 95, 99};

  /**
   * The report as ghz v0.121.0 writes it ({@code runner/reporter.go}): the same fields, names and
   * types (durations in nanoseconds, dates in RFC 3339), the statistics over OK calls where ghz
   * takes them from OK calls, and one {@code details} entry per call. What membreaker adds is under
   * {@code membreaker}, a name ghz does not use.
   */
  static String json(Results r, GhzOptions options) {
    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = m.createObjectNode();
    o.put(
        "date",
        java.time.OffsetDateTime.now()
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .format(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    if (options.name() != null) {
      o.put("name", options.name());
    }
    o.put("endReason", options.endReason());
    o.set("options", options.toJson(m));
    o.put("count", r.count());
    o.put("total", r.totalNanos());
    o.put("average", r.count() == 0 ? 0 : (long) r.all.getMean());
    long[] ok = okLatencies(r);
    o.put("fastest", ok.length == 0 ? 0 : ok[0]);
    o.put("slowest", ok.length == 0 ? 0 : ok[ok.length - 1]);
    o.put("rps", r.rps());
    ObjectNode errors = o.putObject("errorDistribution");
    for (Map.Entry<String, java.util.concurrent.atomic.LongAdder> e :
        new java.util.TreeMap<>(r.errors).entrySet()) {
      errors.put(e.getKey(), e.getValue().sum());
    }
    ObjectNode codes = o.putObject("statusCodeDistribution");
    r.codeCounts().forEach(codes::put);
    o.set("latencyDistribution", ok.length == 0 ? m.nullNode() : ghzLatencies(m, ok));
    o.set("histogram", ok.length == 0 ? m.nullNode() : ghzHistogram(m, ok));
    if (r.details.isEmpty()) {
      o.set("details", m.nullNode()); // as ghz, whose empty slice is null
    } else {
      ArrayNode details = o.putArray("details");
      for (Results.Detail d : r.details) {
        details
            .addObject()
            .put("timestamp", d.start().toString())
            .put("latency", d.latencyNanos())
            .put("error", d.error())
            .put("status", d.status());
      }
    }
    if (options.tags() != null) {
      o.set("tags", m.valueToTree(options.tags()));
    }
    ObjectNode extra = o.putObject("membreaker");
    extra.set("latencyDistributionAllCalls", latencies(m, r.all));
    extra.put("skipped", r.skipped.get());
    extra.put("detailsDropped", Math.max(0, r.count() - r.details.size()));
    try {
      return m.writeValueAsString(o);
    } catch (Exception e) {
      throw new LoadException(2, "can't write JSON: " + e.getMessage());
    }
  }

  /** The latencies of OK calls, sorted, from the details (as ghz takes them). */
  private static long[] okLatencies(Results r) {
    return r.details.stream()
        .filter(d -> d.error().isEmpty())
        .mapToLong(Results.Detail::latencyNanos)
        .sorted()
        .toArray();
  }

  /** ghz's percentiles: the value at rank floor(p × n), one lower when that is a whole number. */
  private static ArrayNode ghzLatencies(ObjectMapper m, long[] sorted) {
    ArrayNode a = m.createArrayNode();
    for (int p : GHZ_PERCENTAGES) {
      double ip = p / 100.0 * sorted.length;
      int di = (int) ip;
      if (ip == di) {
        di--;
      }
      a.addObject().put("percentage", p).put("latency", sorted[Math.max(0, di)]);
    }
    return a;
  }

  /**
   * ghz's histogram: 11 marks from fastest to slowest (seconds), each counting the OK calls up to
   * it.
   */
  private static ArrayNode ghzHistogram(ObjectMapper m, long[] sorted) {
    int bc = 10;
    double fastest = sorted[0] / 1e9;
    double slowest = sorted[sorted.length - 1] / 1e9;
    double[] marks = new double[bc + 1];
    double step = (slowest - fastest) / bc;
    for (int i = 0; i < bc; i++) {
      marks[i] = fastest + step * i;
    }
    marks[bc] = slowest;
    long[] counts = new long[bc + 1];
    int bi = 0;
    for (int i = 0; i < sorted.length; ) {
      if (sorted[i] / 1e9 <= marks[bi]) {
        counts[bi]++;
        i++;
      } else if (bi < bc) {
        bi++;
      } else {
        counts[bc]++; // rounding: the slowest belongs in the last bucket
        i++;
      }
    }
    ArrayNode a = m.createArrayNode();
    for (int i = 0; i <= bc; i++) {
      a.addObject()
          .put("mark", marks[i])
          .put("count", counts[i])
          .put("frequency", (double) counts[i] / sorted.length);
    }
    return a;
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
      b.append(c.request())
          .append(',')
          .append(String.format(Locale.ROOT, "%.3f", start / 1e6))
          .append(',')
          .append(String.format(Locale.ROOT, "%.3f", c.latencyNanos() / 1e6))
          .append(',')
          .append(GhzNames.of(c.code()))
          .append(',')
          .append('"')
          .append(c.error().replace("\"", "\"\""))
          .append('"')
          .append('\n');
    }
    return b.toString();
  }
}
