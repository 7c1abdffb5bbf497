package dev.membreaker.matrix;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code membreaker matrix}: the live-set workload matrix. Runs every shape of the contenders'
 * {@code Workload} on every collector asked for, each in a child JVM of its own with the same heap,
 * the breaker gating the work through its core API; the dangerous shapes also run unprotected, to
 * show that they kill a JVM and how fast. Writes {@code matrix.json} (every run, with its
 * transitions) and {@code matrix.md} (the table).
 */
@Command(
    name = "matrix",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the live-set workload matrix: everyday and dangerous memory shapes on each collector, "
          + "each in its own JVM, measured against what the workload holds on purpose.",
      "Shapes: churn-0.5s, churn-1s, churn-3s, lru, humongous, batch, cache (sustainable); "
          + "surge, surge-silence, leak (dangerous)."
    })
public final class MatrixCommand implements Callable<Integer> {

  static final Map<String, String> COLLECTORS = new LinkedHashMap<>();
  static final List<String> SHAPES =
      List.of(
          "churn-0.5s",
          "churn-1s",
          "churn-3s",
          "lru",
          "humongous",
          "batch",
          "cache",
          "surge",
          "surge-silence",
          "leak");
  static final List<String> DANGEROUS = List.of("surge", "surge-silence", "leak");

  /**
   * Sustainable shapes that also run unprotected, side by side: where what is judged is the harm
   * the guard itself does (stalls from its own collections), not only what it sheds.
   */
  static final List<String> COMPARED = List.of("cache");

  static final String WORKLOAD = "dev.membreaker.matrix.Workload";

  static {
    COLLECTORS.put("g1", "-XX:+UseG1GC");
    COLLECTORS.put("parallel", "-XX:+UseParallelGC");
    COLLECTORS.put("serial", "-XX:+UseSerialGC");
    COLLECTORS.put("zgc", "-XX:+UseZGC");
    COLLECTORS.put("shenandoah", "-XX:+UseShenandoahGC");
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--collectors",
      split = ",",
      paramLabel = "LIST",
      description = "g1, parallel, serial, zgc, shenandoah (default: all five)")
  List<String> collectors = new ArrayList<>(COLLECTORS.keySet());

  @Option(
      names = "--shapes",
      split = ",",
      paramLabel = "LIST",
      description = "which shapes (default: all)")
  List<String> shapes;

  @Option(
      names = "--heap",
      defaultValue = "256m",
      description = "each JVM's -Xmx and -Xms (default: ${DEFAULT-VALUE})")
  String heap;

  @Option(
      names = "--jvm-flag",
      paramLabel = "FLAG",
      description = "an extra flag for every JVM, repeatable (e.g. -XX:+DisableExplicitGC)")
  List<String> jvmFlags = new ArrayList<>();

  @Option(
      names = "--seconds",
      defaultValue = "30",
      description = "length of each sustainable run (default: ${DEFAULT-VALUE})")
  int seconds;

  @Option(
      names = "--leak-seconds",
      defaultValue = "150",
      description =
          "length of the leak run; the unprotected one dies in about 60 s (default:"
              + " ${DEFAULT-VALUE})")
  int leakSeconds;

  @Option(
      names = "--quick",
      description =
          "the short form (as mvn verify runs it): sustainable runs 10 s, "
              + "the surge from 3 s to 10 s in runs of 15 s, the leak 60 s")
  boolean quick;

  @Option(
      names = "--no-unprotected",
      description = "skip the unprotected runs of the dangerous shapes and of cache")
  boolean noUnprotected;

  @Option(
      names = "--server-jar",
      description =
          "the jar that holds the workload (default: "
              + "contenders/target/membreaker-contenders.jar, as for scenarios)")
  Path serverJar;

  @Option(
      names = {"-o", "--out"},
      defaultValue = "target/matrix",
      description = "where the report goes (default: ${DEFAULT-VALUE})")
  Path out;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    List<String> chosen = new ArrayList<>();
    for (String s : shapes == null ? SHAPES : shapes) {
      String id = s.toLowerCase(Locale.ROOT);
      if (!SHAPES.contains(id)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "no shape named '" + s + "'; there are " + String.join(", ", SHAPES));
      }
      chosen.add(id);
    }
    for (String c : collectors) {
      if (!COLLECTORS.containsKey(c)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "no collector named '" + c + "'; there are " + String.join(", ", COLLECTORS.keySet()));
      }
    }
    Files.createDirectories(out);
    List<Map<String, Object>> results = new ArrayList<>();
    for (String c : collectors) {
      for (String shape : chosen) {
        boolean dangerous = DANGEROUS.contains(shape);
        boolean compared = dangerous || COMPARED.contains(shape);
        List<Boolean> gates = compared && !noUnprotected ? List.of(false, true) : List.of(true);
        for (boolean gate : gates) {
          int length =
              shape.equals("leak")
                  ? (quick ? 60 : leakSeconds)
                  : dangerous ? (quick ? 15 : 32) : (quick ? 10 : seconds);
          String name = c + "-" + shape + (gate ? "" : "-unprotected");
          stdout.printf("%s: %d s ...%n", name, length);
          stdout.flush();
          Map<String, Object> r =
              run(
                  classpath(),
                  COLLECTORS.get(c),
                  heap,
                  jvmFlags,
                  shape,
                  length,
                  gate,
                  quick ? "3:10" : "5:25",
                  out.resolve(name + ".log"));
          r.put("collectorName", c);
          r.put("flags", String.join(" ", jvmFlags));
          results.add(r);
          stdout.println("  " + MatrixReport.oneLine(r));
          stdout.flush();
        }
      }
    }
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    json.writeValue(out.resolve("matrix.json").toFile(), results);
    String md = MatrixReport.markdown(results, heap, jvmFlags);
    Files.writeString(out.resolve("matrix.md"), md, StandardCharsets.UTF_8);
    stdout.println();
    stdout.print(md);
    return 0;
  }

  private String classpath() {
    Path jar =
        serverJar != null ? serverJar : dev.membreaker.scenario.ScenarioCommand.defaultServerJar();
    if (!Files.isRegularFile(jar)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "no workload jar at "
              + jar.toAbsolutePath()
              + "; build it with mvn package, or give --server-jar");
    }
    return jar.toAbsolutePath().toString();
  }

  /** Runs one cell in a child JVM; returns its result, or a row that says why there is none. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> run(
      String classpath,
      String collectorFlag,
      String heap,
      List<String> extraFlags,
      String shape,
      int seconds,
      boolean gate,
      String surge,
      Path log)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heap);
    command.add("-Xms" + heap);
    command.add(collectorFlag);
    command.addAll(extraFlags);
    command.add("-cp");
    command.add(classpath);
    command.add(WORKLOAD);
    command.add("shape=" + shape);
    command.add("seconds=" + seconds);
    command.add("gate=" + (gate ? "on" : "off"));
    command.add("surge=" + surge);
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    boolean oomInLog = lines.stream().anyMatch(l -> l.contains("java.lang.OutOfMemoryError"));
    for (String line : lines) {
      if (line.startsWith("MATRIX ")) {
        Map<String, Object> r =
            new ObjectMapper().readValue(line.substring(7), LinkedHashMap.class);
        if (oomInLog && !Boolean.TRUE.equals(r.get("oom"))) {
          // Thrown where the workload could not catch it (a JVM thread, an error handler): it
          // counts.
          r.put("oom", true);
          r.put("oomMessage", "seen in the JVM's output");
        }
        return r;
      }
    }
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("shape", shape);
    failed.put("collector", collectorFlag);
    failed.put("gate", gate);
    failed.put(
        "error",
        "no result; the JVM exited with "
            + (p.isAlive() ? "no exit" : p.exitValue())
            + ", see "
            + log);
    return failed;
  }
}
