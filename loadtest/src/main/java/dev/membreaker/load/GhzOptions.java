package dev.membreaker.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What ghz puts under {@code options} in its JSON report, with its names and its rule for leaving
 * out empty values ({@code omitempty}): durations in nanoseconds; {@code insecure}, {@code binary},
 * {@code CPUs} and the twelve schedule fields always present (ghz's {@code Options} has no {@code
 * omitempty} on them: its own reports write {@code "load-start": 0}).
 */
record GhzOptions(
    String host,
    String proto,
    String protoset,
    List<String> importPaths,
    String call,
    String cacert,
    String cert,
    String key,
    boolean skipTls,
    long skipFirst,
    String cname,
    String authority,
    boolean insecure,
    long total,
    long concurrency,
    long qps,
    long connections,
    Duration duration,
    Duration timeout,
    Duration dialTimeout,
    Duration keepalive,
    JsonNode data,
    Map<String, String> metadata,
    int cpus,
    String name,
    Map<String, String> tags,
    String endReason,
    Schedules schedules) {

  /**
   * The load and concurrency schedules ({@code --load-*}, {@code --concurrency-*}); a maximum
   * duration the tool has no option for is null and written as 0, as ghz writes an unset one.
   */
  record Schedules(
      String load,
      double loadStart,
      double loadEnd,
      double loadStep,
      Duration loadStepDuration,
      Duration loadMaxDuration,
      String concurrency,
      double concurrencyStart,
      double concurrencyEnd,
      double concurrencyStep,
      Duration concurrencyStepDuration,
      Duration concurrencyMaxDuration) {}

  /** ghz's {@code endReason} values ({@code runner/reason.go}). */
  static final String NORMAL = "normal";

  static final String TIMEOUT = "timeout";

  JsonNode toJson(ObjectMapper m) {
    ObjectNode o = m.createObjectNode();
    text(o, "host", host);
    text(o, "proto", proto);
    text(o, "protoset", protoset);
    if (importPaths != null && !importPaths.isEmpty()) {
      importPaths.forEach(o.putArray("import-paths")::add);
    }
    text(o, "call", call);
    text(o, "cacert", cacert);
    text(o, "cert", cert);
    text(o, "key", key);
    if (skipTls) {
      o.put("skipTLS", true);
    }
    number(o, "skipFirst", skipFirst);
    text(o, "cname", cname);
    text(o, "authority", authority);
    o.put("insecure", insecure);
    Schedules s = schedules;
    o.put("load-schedule", s.load());
    always(o, "load-start", s.loadStart());
    always(o, "load-end", s.loadEnd());
    always(o, "load-step", s.loadStep());
    o.put("load-step-duration", nanos(s.loadStepDuration()));
    o.put("load-max-duration", nanos(s.loadMaxDuration()));
    number(o, "total", total);
    number(o, "concurrency", concurrency);
    o.put("concurrency-schedule", s.concurrency());
    always(o, "concurrency-start", s.concurrencyStart());
    always(o, "concurrency-end", s.concurrencyEnd());
    always(o, "concurrency-step", s.concurrencyStep());
    o.put("concurrency-step-duration", nanos(s.concurrencyStepDuration()));
    o.put("concurrency-max-duration", nanos(s.concurrencyMaxDuration()));
    number(o, "qps", qps);
    number(o, "connections", connections);
    duration(o, "duration", duration);
    duration(o, "timeout", timeout);
    duration(o, "dial-timeout", dialTimeout);
    duration(o, "keepalive", keepalive);
    if (data != null && !data.isNull()) {
      o.set("data", data);
    }
    o.put("binary", false);
    if (metadata != null && !metadata.isEmpty()) {
      o.set("metadata", m.valueToTree(metadata));
    }
    o.put("CPUs", cpus);
    text(o, "name", name);
    return o;
  }

  private static void text(ObjectNode o, String field, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(field, value);
    }
  }

  private static void number(ObjectNode o, String field, long value) {
    if (value != 0) {
      o.put(field, value);
    }
  }

  /** A schedule's number, zero or not: whole as an integer, as ghz's, else as it is. */
  private static void always(ObjectNode o, String field, double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      o.put(field, (long) value);
    } else {
      o.put(field, value);
    }
  }

  private static long nanos(Duration value) {
    return value == null ? 0 : value.toNanos();
  }

  private static void duration(ObjectNode o, String field, Duration value) {
    if (value != null && !value.isZero()) {
      o.put(field, value.toNanos());
    }
  }
}
