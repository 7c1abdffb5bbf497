package dev.membreaker.text;

/**
 * A server's address as the command line takes it: {@code host:port}, or {@code [v6 address]:port}.
 * The one parser of the tool's targets: the load target, the fleet's list and {@code --admin}.
 *
 * @param host the host name or address, without brackets
 * @param port the port, 1 to 65535
 */
public record HostPort(String host, int port) {

  /** Validates both parts. */
  public HostPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("the host is empty");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("the port must be 1 to 65535, was " + port);
    }
  }

  /**
   * Parses {@code host:port} or {@code [::1]:port}.
   *
   * @throws IllegalArgumentException naming what is wrong and what was given
   */
  public static HostPort parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    String port = colon < 0 ? "" : t.substring(colon + 1);
    String host = colon < 0 ? t : t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "must be host:port (an IPv6 address in brackets: [::1]:8080), was '" + text + "'");
    }
    if (host.isEmpty()
        || port.isEmpty()
        || !port.chars().allMatch(Character::isDigit)
        || port.length() > 5) {
      throw new IllegalArgumentException("must be host:port, was '" + text + "'");
    }
    try {
      return new HostPort(host, Integer.parseInt(port));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "must be host:port: " + e.getMessage() + ", in '" + text + "'");
    }
  }

  /** {@code host:port}, with brackets around an IPv6 address: what {@link #parse} reads back. */
  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
