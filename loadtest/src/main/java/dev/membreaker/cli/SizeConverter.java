package dev.membreaker.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as the config file writes them (its {@code Units.size}, which this module does not depend
 * on): 65536, 64KiB, 48MiB, 2GiB, 1TiB, and the decimal 64KB, 48MB, 2GB, 1TB.
 */
final class SizeConverter {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB|KB|MB|GB|TB)?");

  private SizeConverter() {}

  /** Parses a number of bytes with an optional binary or decimal unit. */
  static long parse(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a size: '" + value + "' (write 65536, 64KiB, 48MiB, 2GiB or 48MB)");
    }
    long factor =
        m.group(2) == null
            ? 1
            : switch (m.group(2)) {
              case "KiB" -> 1L << 10;
              case "MiB" -> 1L << 20;
              case "GiB" -> 1L << 30;
              case "TiB" -> 1L << 40;
              case "KB" -> 1_000L;
              case "MB" -> 1_000_000L;
              case "GB" -> 1_000_000_000L;
              case "TB" -> 1_000_000_000_000L;
              default -> 1;
            };
    long n = Long.parseLong(m.group(1));
    if (n > Long.MAX_VALUE / factor) {
      throw new IllegalArgumentException("size too large: '" + value + "'");
    }
    return n * factor;
  }
}
