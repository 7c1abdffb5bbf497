package dev.membreaker.config;

/** A configuration file that was refused, with a message that names the key (and line). */
public final class ConfigException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  ConfigException(String message) {
    super(message);
  }

  ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
