package dev.membreaker.admin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The bearer token that mutating admin RPCs must present. It comes from an environment variable or
 * a file (a Kubernetes Secret mounted as a file), never from a command-line argument, where every
 * user of the machine could read it. Compared in constant time: both sides are hashed with SHA-256
 * and the digests compared with {@link MessageDigest#isEqual}, so neither content nor length leaks
 * through timing. Immutable and thread-safe.
 */
public final class AdminToken {

  private static final AdminToken NONE = new AdminToken(null);

  private final byte[] digest;

  private AdminToken(String token) {
    this.digest = token == null ? null : sha256(token);
  }

  /** No token: mutating RPCs are refused with PERMISSION_DENIED (unless insecure local dev). */
  public static AdminToken none() {
    return NONE;
  }

  /** The token in environment variable {@code name}, or {@link #none()} if it is unset or empty. */
  public static AdminToken fromEnvironment(String name) {
    String value = System.getenv(Objects.requireNonNull(name, "name"));
    return value == null || value.isBlank() ? NONE : new AdminToken(value.trim());
  }

  /** The token in a file (surrounding whitespace ignored); the file must exist and not be empty. */
  public static AdminToken fromFile(Path file) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("admin token file " + file + " is empty");
      }
      return new AdminToken(value);
    } catch (IOException e) {
      throw new UncheckedIOException("can't read the admin token file " + file, e);
    }
  }

  /** A token given in code (tests, or an application with its own secret store). */
  public static AdminToken of(String token) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("admin token must not be empty");
    }
    return new AdminToken(token);
  }

  /** Whether a token is configured. */
  public boolean configured() {
    return digest != null;
  }

  /** Whether {@code presented} is the token, in constant time. False when none is configured. */
  public boolean matches(String presented) {
    if (digest == null || presented == null) {
      return false;
    }
    return MessageDigest.isEqual(digest, sha256(presented));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
