package dev.membreaker.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Request messages and metadata from JSON, as ghz takes them: one object, or an array used round
 * robin; with templates ({@code {{.RequestNumber}}}, {@code {{.WorkerID}}}, {@code {{.UUID}}},
 * {@code {{.TimestampUnix}}}, {@code {{randomString 8}}}) rendered per call. Without templates each
 * message is parsed once and reused.
 */
final class Requests {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RANDOM = Pattern.compile("\\{\\{\\s*randomString\\s+(\\d+)\\s*}}");
  private static final String LETTERS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

  private final Descriptor type;
  private final String text;
  private final boolean templated;
  private final List<DynamicMessage> fixed;
  private final String metadataTemplate;

  Requests(Descriptor type, String data, String metadata) {
    this.type = type;
    this.text = data == null || data.isBlank() ? "{}" : data.trim();
    this.templated = text.contains("{{");
    this.metadataTemplate = metadata;
    // Templates are rendered before the JSON is read (a number may be a template), so the check
    // here renders once with sample values.
    List<DynamicMessage> first = messages(render(text, 0, 0));
    if (first.isEmpty()) {
      throw new LoadException(2, "-d is an empty array");
    }
    this.fixed = templated ? null : first;
    if (metadata != null) {
      metadata(0, 0); // fail fast on bad metadata JSON
    }
  }

  private List<DynamicMessage> messages(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (Exception e) {
      throw new LoadException(2, "-d is not JSON: " + e.getMessage().split("\n")[0]);
    }
    List<DynamicMessage> all = new ArrayList<>();
    if (node.isArray()) {
      node.forEach(n -> all.add(parse(n.toString())));
    } else {
      all.add(parse(json));
    }
    return all;
  }

  DynamicMessage message(long requestNumber, int workerId) {
    List<DynamicMessage> all = stream(requestNumber, workerId);
    return all.get((int) (requestNumber % all.size()));
  }

  /** Every message of the data, for a client or bidi stream (ghz sends the array as the stream). */
  List<DynamicMessage> stream(long requestNumber, int workerId) {
    return templated ? messages(render(text, requestNumber, workerId)) : fixed;
  }

  Metadata metadata(long requestNumber, int workerId) {
    Metadata m = new Metadata();
    if (metadataTemplate == null) {
      return m;
    }
    JsonNode node;
    try {
      node = JSON.readTree(render(metadataTemplate, requestNumber, workerId));
    } catch (Exception e) {
      throw new LoadException(
          2, "-m is not a JSON object of strings: " + e.getMessage().split("\n")[0]);
    }
    if (!node.isObject()) {
      throw new LoadException(2, "-m must be a JSON object of strings");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      m.put(
          Metadata.Key.of(e.getKey().toLowerCase(), Metadata.ASCII_STRING_MARSHALLER),
          e.getValue().asText());
    }
    return m;
  }

  private DynamicMessage parse(String json) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException e) {
      throw new LoadException(2, "-d does not fit " + type.getFullName() + ": " + e.getMessage());
    }
    return b.build();
  }

  static String render(String template, long requestNumber, int workerId) {
    if (!template.contains("{{")) {
      return template;
    }
    String s =
        template
            .replace("{{.RequestNumber}}", Long.toString(requestNumber))
            .replace("{{.WorkerID}}", Integer.toString(workerId))
            .replace("{{.TimestampUnix}}", Long.toString(System.currentTimeMillis() / 1000));
    while (s.contains("{{.UUID}}")) {
      s = s.replaceFirst(Pattern.quote("{{.UUID}}"), UUID.randomUUID().toString());
    }
    Matcher m = RANDOM.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      int n = Integer.parseInt(m.group(1));
      StringBuilder r = new StringBuilder(n);
      for (int i = 0; i < n; i++) {
        r.append(LETTERS.charAt(ThreadLocalRandom.current().nextInt(LETTERS.length())));
      }
      m.appendReplacement(out, r.toString());
    }
    m.appendTail(out);
    return out.toString();
  }
}
