package dev.membreaker.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as the config file writes them: 65536, 64KiB, 48MiB, 2GiB. */
final class SizeConverter {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");

  private SizeConverter() {}

  /** Parses a number of bytes with an optional binary unit. */
  static long parse(String value) {
    Matcher m = SIZE.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size: '" + value + "' (write 65536, 64KiB, 48MiB or 2GiB)");
    }
    int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
      case "KiB" -> 10;
      case "MiB" -> 20;
      case "GiB" -> 30;
      case "TiB" -> 40;
      default -> 0;
    };
    long n = Long.parseLong(m.group(1));
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size too large: '" + value + "'");
    }
    return n << shift;
  }
}
