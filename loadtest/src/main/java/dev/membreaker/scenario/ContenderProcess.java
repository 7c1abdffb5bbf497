package dev.membreaker.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One contender server running as a child JVM (same heap for all, -XX:+ExitOnOutOfMemoryError), its
 * samples collected as they arrive and everything else it prints written to a log file.
 */
final class ContenderProcess implements AutoCloseable {

  private static final Pattern READY = Pattern.compile("^ready port=(\\d+)");
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final List<Sample> samples = new CopyOnWriteArrayList<>();
  final List<String> outOfMemoryLines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final Path log;
  private final java.util.concurrent.CountDownLatch outputEnded =
      new java.util.concurrent.CountDownLatch(1);
  private volatile long originNanos = System.nanoTime();
  private volatile long exitedNanos = -1;

  /** Sample lines that could not be read. */
  volatile int malformedSamples;

  private ContenderProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static ContenderProcess start(
      Path jar,
      String contender,
      String heap,
      List<String> jvmArgs,
      List<String> serverArgs,
      Path log)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-Xms" + heap,
                "-XX:+ExitOnOutOfMemoryError"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar.toString(), "--guard", contender));
    command.addAll(serverArgs);
    Files.createDirectories(log.toAbsolutePath().getParent());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    ContenderProcess c = new ContenderProcess(p, log);
    Thread reader = new Thread(c::read, "contender-output-" + contender);
    reader.setDaemon(true);
    reader.start();
    p.onExit().thenRun(() -> c.exitedNanos = System.nanoTime());
    return c;
  }

  private void read() {
    try (BufferedReader r =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.startsWith("sample ")) {
          try {
            samples.add(
                Sample.parse(
                    (System.nanoTime() - originNanos) / 1e9, JSON.readTree(line.substring(7))));
            continue;
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A sample line the server's other output ran into: this sample is lost, the rest are
            // not (until 2026-11-30 one such line ended the reading, and the server, its output no
            // longer read, blocked on its next write).
            out.println(
                "[scenario] unreadable sample line (" + e.getOriginalMessage() + "): " + line);
            malformedSamples++;
          }
        }
        out.println(line);
        Matcher m = READY.matcher(line);
        if (m.find()) {
          port.complete(Integer.parseInt(m.group(1)));
        }
        if ((line.contains("OutOfMemoryError") || line.contains("OutOfDirectMemoryError"))
            && !line.startsWith("Caused by")
            && !line.startsWith("\t")) {
          outOfMemoryLines.add(line);
        }
      }
    } catch (IOException e) {
      port.completeExceptionally(e);
    } finally {
      port.completeExceptionally(
          new IOException("the contender exited before it listened; see " + log));
      outputEnded.countDown();
    }
  }

  /**
   * When the process has exited, waits (up to 10 s) until its output is read to the end, so that
   * its last lines (the JVM's "Terminating due to java.lang.OutOfMemoryError") are counted: the
   * reader thread may still be behind the exit. A running process is not waited for.
   */
  void awaitOutputIfExited() throws InterruptedException {
    if (!process.isAlive()) {
      outputEnded.await(10, TimeUnit.SECONDS);
    }
  }

  /** Waits until the server listens; its port. */
  int awaitPort() throws IOException, InterruptedException {
    try {
      return port.get(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("the contender did not listen within 60 s; see " + log, e);
    }
  }

  /** Samples and the exit time are measured from here (the scenario's start). */
  void originAt(long nanos) {
    originNanos = nanos;
    samples.clear();
  }

  boolean alive() {
    return process.isAlive();
  }

  /** When the process ended, in seconds from the origin, or -1 if it runs. */
  double exitedAt() {
    long e = exitedNanos;
    return e < 0 ? -1 : (e - originNanos) / 1e9;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
