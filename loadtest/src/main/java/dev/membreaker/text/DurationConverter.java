package dev.membreaker.text;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Durations as people write them: 250ms, 5s, 10m, 1h (or ISO-8601 such as PT5S). */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Parses 250ms, 5s, 10m, 1h or ISO-8601. */
  public static Duration parse(String value) {
    Matcher m = SIMPLE.matcher(value.trim());
    if (m.matches()) {
      double n = Double.parseDouble(m.group(1));
      double millis;
      switch (m.group(2)) {
        case "ms":
          millis = n;
          break;
        case "s":
          millis = n * 1000;
          break;
        case "m":
          millis = n * 60_000;
          break;
        default:
          millis = n * 3_600_000;
          break;
      }
      return Duration.ofNanos(Math.round(millis * 1_000_000));
    }
    try {
      return Duration.parse(value.trim());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "not a duration: '" + value + "' (write 250ms, 5s, 10m or 1h)");
    }
  }
}
