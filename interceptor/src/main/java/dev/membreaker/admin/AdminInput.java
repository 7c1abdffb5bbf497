package dev.membreaker.admin;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks what an admin client sends before anything acts on it; each check throws {@link
 * IllegalArgumentException} with a message that names the field, which the service answers as
 * INVALID_ARGUMENT.
 *
 * <ul>
 *   <li>Fields the schema does not have, or sent with another wire type than the schema's (a string
 *       where a number is expected), end up among a message's unknown fields when it is parsed;
 *       they are refused, by field number, in the request and every message inside it, rather than
 *       silently dropped.
 *   <li>Reasons are at most {@link #MAX_REASON_CHARS} characters, and control characters (line
 *       breaks among them) become spaces, so a reason cannot forge a line of the audit log.
 *   <li>An override's expiry is a valid Timestamp, in the future, and at most {@link
 *       #MAX_OVERRIDE_TTL} ahead.
 * </ul>
 */
final class AdminInput {

  /** The longest reason accepted, in characters. */
  static final int MAX_REASON_CHARS = 512;

  /** The furthest ahead an override may expire; leave {@code expires_at} unset for no expiry. */
  static final Duration MAX_OVERRIDE_TTL = Duration.ofDays(366);

  private static final long MIN_TIMESTAMP_SECONDS = -62_135_596_800L; // 0001-01-01T00:00:00Z
  private static final long MAX_TIMESTAMP_SECONDS = 253_402_300_799L; // 9999-12-31T23:59:59Z

  private AdminInput() {}

  /** Refuses unknown or mistyped fields anywhere in {@code request}. */
  static void refuseUnknownFields(Message request) {
    List<String> found = new ArrayList<>();
    collect(request, request.getDescriptorForType().getName(), found);
    if (!found.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown or mistyped fields: "
              + String.join(", ", found)
              + " (a field the schema does not have, or a value of another type than the"
              + " schema's)");
    }
  }

  private static void collect(Message m, String path, List<String> found) {
    UnknownFieldSet unknown = m.getUnknownFields();
    for (int number : unknown.asMap().keySet()) {
      FieldDescriptor declared = m.getDescriptorForType().findFieldByNumber(number);
      found.add(
          path
              + " field "
              + number
              + (declared == null ? "" : " (" + declared.getName() + ", wrong type)"));
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String inner = path + "." + e.getKey().getName();
      if (e.getKey().isRepeated()) {
        for (Object item : (List<?>) e.getValue()) {
          collect((Message) item, inner, found);
        }
      } else {
        collect((Message) e.getValue(), inner, found);
      }
    }
  }

  /** {@code reason} with control characters replaced by spaces; refused when too long. */
  static String reason(String reason) {
    if (reason.length() > MAX_REASON_CHARS) {
      throw new IllegalArgumentException(
          "reason is "
              + reason.length()
              + " characters long; at most "
              + MAX_REASON_CHARS
              + " are accepted");
    }
    StringBuilder b = new StringBuilder(reason.length());
    for (int i = 0; i < reason.length(); i++) {
      char c = reason.charAt(i);
      b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
    }
    return b.toString();
  }

  /** How long from {@code now} until {@code expiresAt}, checked (see the class comment). */
  static Duration overrideTtl(Timestamp expiresAt, Instant now) {
    if (expiresAt.getSeconds() < MIN_TIMESTAMP_SECONDS
        || expiresAt.getSeconds() > MAX_TIMESTAMP_SECONDS
        || expiresAt.getNanos() < 0
        || expiresAt.getNanos() > 999_999_999) {
      throw new IllegalArgumentException(
          "expires_at is not a valid timestamp ("
              + expiresAt.getSeconds()
              + " s, "
              + expiresAt.getNanos()
              + " ns)");
    }
    Instant expires = Instant.ofEpochSecond(expiresAt.getSeconds(), expiresAt.getNanos());
    Duration ttl = Duration.between(now, expires);
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("expires_at must be in the future, was " + expires);
    }
    if (ttl.compareTo(MAX_OVERRIDE_TTL) > 0) {
      throw new IllegalArgumentException(
          "expires_at must be at most "
              + MAX_OVERRIDE_TTL.toDays()
              + " days ahead, was "
              + expires
              + "; leave it unset for an override that does not expire");
    }
    return ttl;
  }
}
