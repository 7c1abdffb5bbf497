package dev.membreaker.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as {@code 250ms}, {@code 5s}, {@code 10m}, {@code 1h}; sizes as {@code 512MiB}, {@code
 * 64KiB}.
 */
public final class Units {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");

  private Units() {}

  /** Parses a duration such as {@code 250ms}; IllegalArgumentException says what is expected. */
  public static Duration duration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration (write 250ms, 5s, 10m or 1h)");
    }
    double n = Double.parseDouble(m.group(1));
    double nanos;
    switch (m.group(2)) {
      case "ms":
        nanos = n * 1e6;
        break;
      case "s":
        nanos = n * 1e9;
        break;
      case "m":
        nanos = n * 60e9;
        break;
      default:
        nanos = n * 3600e9;
        break;
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /**
   * Parses a size such as {@code 512MiB}, {@code 64KiB}, {@code 1MB} (binary or decimal units, B to
   * TiB or TB) or a plain number of bytes; IllegalArgumentException says what is expected.
   */
  public static long size(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a size (write 512MiB, 64KiB or a number of bytes)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
    long factor;
    switch (unit) {
      case "KIB":
        factor = 1L << 10;
        break;
      case "MIB":
        factor = 1L << 20;
        break;
      case "GIB":
        factor = 1L << 30;
        break;
      case "TIB":
        factor = 1L << 40;
        break;
      case "KB":
        factor = 1_000L;
        break;
      case "MB":
        factor = 1_000_000L;
        break;
      case "GB":
        factor = 1_000_000_000L;
        break;
      case "TB":
        factor = 1_000_000_000_000L;
        break;
      default:
        factor = 1;
        break;
    }
    if (n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException("'" + text + "' is too large a size");
    }
    return n * factor;
  }
}
