package dev.membreaker.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What ghz puts under {@code options} in its JSON report, with its names and its rule for leaving
 * out empty values ({@code omitempty}): durations in nanoseconds; {@code insecure}, {@code binary}
 * and {@code CPUs} always present.
 */
record GhzOptions(String host, String proto, String protoset, List<String> importPaths, String call, String cacert,
    String cert, String key, boolean skipTls, long skipFirst, String cname, String authority, boolean insecure,
    long total, long concurrency, long qps, long connections, Duration duration, Duration timeout,
    Duration dialTimeout, Duration keepalive, JsonNode data, Map<String, String> metadata, int cpus, String name,
    Map<String, String> tags, String endReason) {

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
    number(o, "total", total);
    number(o, "concurrency", concurrency);
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

  private static void duration(ObjectNode o, String field, Duration value) {
    if (value != null && !value.isZero()) {
      o.put(field, value.toNanos());
    }
  }
}
