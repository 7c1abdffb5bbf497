package dev.membreaker.memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One small kernel file (cgroup or proc) kept open and re-read from offset 0 into a reused buffer,
 * so a sample costs one {@code pread} and no garbage, instead of the open, read and allocations of
 * {@code Files.readAllBytes}. Not thread-safe: the sampler thread is its only reader.
 */
final class CgroupFile implements AutoCloseable {

  /** Value of {@link #readLong()} for the literal "max" (no limit). */
  static final long MAX = Long.MAX_VALUE;

  private final Path path;
  // Direct, so a read goes straight into it: a heap buffer makes the JDK read into a temporary
  // direct one and copy, which roughly doubles a read's cost before the JIT has compiled the path
  // (and a sampler that reads a few times a second stays cold for minutes).
  private final ByteBuffer buffer;
  private final byte[] bytes;
  private FileChannel channel;

  CgroupFile(Path path, int capacity) {
    this.path = path;
    this.buffer = ByteBuffer.allocateDirect(capacity);
    this.bytes = new byte[capacity];
  }

  Path path() {
    return path;
  }

  /** Reads the whole file into the buffer; returns the byte count. */
  private int fill() throws IOException {
    if (channel == null) {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    }
    buffer.clear();
    long position = 0;
    int n;
    while (buffer.hasRemaining() && (n = channel.read(buffer, position)) > 0) {
      position += n;
    }
    buffer.flip();
    int length = buffer.limit();
    buffer.get(bytes, 0, length);
    return length;
  }

  /** Parses the file as one decimal number, or "max" as {@link #MAX}. */
  long readLong() throws IOException {
    int length = fill();
    if (length >= 3 && bytes[0] == 'm' && bytes[1] == 'a' && bytes[2] == 'x') {
      return MAX;
    }
    return parseDigits(bytes, 0, length);
  }

  /**
   * Finds {@code key} at the start of a line of a "key value" file (memory.stat) and returns its
   * value, or -1 when the key is absent.
   */
  long readKeyed(String key) throws IOException {
    int length = fill();
    int k = key.length();
    int line = 0;
    while (line < length) {
      if (line + k < length && bytes[line + k] == ' ' && startsWith(bytes, line, key)) {
        return parseDigits(bytes, line + k + 1, length);
      }
      while (line < length && bytes[line] != '\n') {
        line++;
      }
      line++;
    }
    return -1;
  }

  /**
   * Returns the number after {@code "avg10="} on the line that starts with {@code prefix} (the
   * pressure stall information format), in hundredths of a percent; -1 when absent.
   */
  long readPsiAvg10(String prefix) throws IOException {
    int length = fill();
    String text = new String(bytes, 0, length, StandardCharsets.US_ASCII);
    for (String line : text.split("\n")) {
      if (line.startsWith(prefix + " ")) {
        int at = line.indexOf("avg10=");
        if (at < 0) {
          return -1;
        }
        int end = line.indexOf(' ', at);
        String value = line.substring(at + 6, end < 0 ? line.length() : end);
        return Math.round(Double.parseDouble(value) * 100);
      }
    }
    return -1;
  }

  private static boolean startsWith(byte[] bytes, int at, String key) {
    for (int i = 0; i < key.length(); i++) {
      if (bytes[at + i] != key.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private long parseDigits(byte[] bytes, int from, int length) throws IOException {
    long value = 0;
    int i = from;
    while (i < length && bytes[i] == ' ') {
      i++;
    }
    int start = i;
    while (i < length && bytes[i] >= '0' && bytes[i] <= '9') {
      if (value > (Long.MAX_VALUE - 9) / 10) {
        return MAX; // beyond any real limit: treat as none
      }
      value = value * 10 + (bytes[i] - '0');
      i++;
    }
    if (i == start) {
      throw new IOException("not a number in " + path);
    }
    return value;
  }

  @Override
  public void close() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing a read-only kernel file
      }
      channel = null;
    }
  }
}
