package dev.membreaker.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The demo server jar running as a child process on loopback ports it picks (0), with its output
 * collected. Finds the ports from the line the server prints once it listens.
 */
public final class DemoProcess implements AutoCloseable {

  private static final Pattern LISTENING =
      Pattern.compile(
          "listening: service [^:]+:(\\d+).*admin [^:]+:(\\d+).*metrics"
              + " (?:http://[^:]+:(\\d+)/metrics|off)");

  public final Process process;
  public final List<String> output = new CopyOnWriteArrayList<>();
  public int port;
  public int adminPort;
  public int metricsPort;
  private Thread reader;

  private DemoProcess(Process process) {
    this.process = process;
  }

  /** The jar built by this module (set by failsafe), or the path relative to a sibling module. */
  public static Path jar() {
    String configured = System.getProperty("demo.jar");
    Path jar =
        configured != null
            ? Path.of(configured)
            : Path.of("../demo-server/target/membreaker-demo.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no demo jar at " + jar.toAbsolutePath() + "; run mvn package first");
    }
    return jar;
  }

  /** Starts the demo with a heap of {@code heap} and extra arguments; waits until it listens. */
  public static DemoProcess start(String heap, String token, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-jar",
                jar().toString(),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--admin-port",
                "0",
                "--metrics-port",
                "0"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    if (token != null) {
      pb.environment().put(DemoServer.TOKEN_ENV, token);
    } else {
      pb.environment().remove(DemoServer.TOKEN_ENV);
    }
    DemoProcess demo = new DemoProcess(pb.start());
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(
                          demo.process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null && demo.output.size() < 100_000) {
                  demo.output.add(line);
                  Matcher m = LISTENING.matcher(line);
                  if (m.find()) {
                    synchronized (demo) {
                      demo.port = Integer.parseInt(m.group(1));
                      demo.adminPort = Integer.parseInt(m.group(2));
                      demo.metricsPort = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
                      demo.notifyAll();
                    }
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "demo-output");
    reader.setDaemon(true);
    reader.start();
    demo.reader = reader;
    synchronized (demo) {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (demo.port == 0 && demo.process.isAlive() && System.nanoTime() < end) {
        demo.wait(200);
      }
    }
    if (demo.port == 0) {
      demo.close();
      throw new IllegalStateException("the demo did not start listening: " + demo.output);
    }
    return demo;
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate() throws InterruptedException {
    // SIGTERM on Linux. Process.destroy() would also close our end of its output.
    process.toHandle().destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("the demo did not stop within 60 s of SIGTERM: " + output);
    }
    reader.join(10_000); // the rest of its output
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
