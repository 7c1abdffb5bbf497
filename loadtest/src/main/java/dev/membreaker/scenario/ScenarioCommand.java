package dev.membreaker.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code membreaker scenario NAME}: runs a proof scenario against each contender in turn (each in
 * its own server JVM with the same heap), and writes one JSON file per run, a summary JSON, a
 * Markdown table and a self-contained HTML report (all scenarios, and one page per scenario).
 */
@Command(
    name = "scenario",
    mixinStandardHelpOptions = true,
    description = {
      "Runs a proof scenario against servers protected by each contender, one after another, "
          + "with the same heap and the same load, and writes the report.",
      "Scenarios: surge, sawtooth, churn, leak, recovery, direct, slow-reader, lru, humongous,"
          + " batch, surge-silence; the parts surges, retention, garbage-and-buffers; or all."
    })
public final class ScenarioCommand implements Callable<Integer> {

  static final List<String> CONTENDERS =
      List.of(
          "none",
          "membreaker",
          "resilience4j",
          "concurrency-limits",
          "sentinel",
          "naive-heap",
          "solr",
          "elasticsearch",
          "pinot",
          "opensearch",
          "grpc-limits");

  /** The collectors {@code --collector} takes, and the server JVM option for each. */
  static final java.util.Map<String, String> COLLECTORS =
      java.util.Map.of(
          "g1",
          "-XX:+UseG1GC",
          "parallel",
          "-XX:+UseParallelGC",
          "serial",
          "-XX:+UseSerialGC",
          "zgc",
          "-XX:+UseZGC",
          "shenandoah",
          "-XX:+UseShenandoahGC");

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME",
      description =
          "a scenario (surge, sawtooth, churn, leak, recovery, direct, slow-reader, lru, humongous,"
              + " batch, surge-silence), a part (surges, retention, garbage-and-buffers), or all")
  String name;

  @Option(
      names = "--contenders",
      split = ",",
      paramLabel = "LIST",
      description =
          "which to run, in order (default: all of"
              + " none,membreaker,resilience4j,concurrency-limits,sentinel,"
              + "naive-heap,solr,elasticsearch,pinot,opensearch,grpc-limits)")
  List<String> contenders = CONTENDERS;

  @Option(
      names = {"--collector", "--collectors"},
      split = ",",
      defaultValue = "g1",
      paramLabel = "GC",
      description =
          "each server's collector: g1, parallel, serial, zgc or shenandoah, or several separated"
              + " by commas, each run in turn (default: ${DEFAULT-VALUE})")
  List<String> collectors;

  @Option(
      names = "--runs",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "how many times to run everything on each collector, 1 to 20 (default: ${DEFAULT-VALUE});"
              + " with more than one run or collector, each run's report goes to its own directory"
              + " under -o (GC-runN) and summary.md sums them up")
  int runs;

  @Option(
      names = "--jvm-flag",
      paramLabel = "FLAG",
      description =
          "an extra option for every server JVM, repeatable (e.g. -XX:+DisableExplicitGC, or"
              + " -Xlog:gc*:file=gc-%p.log for a GC log per server)")
  List<String> jvmFlags = new ArrayList<>();

  @Option(
      names = "--heap",
      defaultValue = "256m",
      description = "each server's heap, -Xmx and -Xms (default: ${DEFAULT-VALUE})")
  String heap;

  @Option(
      names = "--quick",
      description = "the short forms of the scenarios (as mvn verify runs them)")
  boolean quick;

  @Option(
      names = {"-o", "--out"},
      defaultValue = "target/scenarios",
      description = "where the report goes (default: ${DEFAULT-VALUE})")
  Path out;

  @Option(
      names = "--membreaker-config",
      paramLabel = "FILE",
      description =
          "a membreaker YAML file for the membreaker contender (default: its embedded defaults)")
  Path membreakerConfig;

  @Option(
      names = "--report-from",
      split = ",",
      paramLabel = "DIR",
      description =
          "run nothing: write one report (results.md with the verdicts) from the results.json of"
              + " these earlier runs' directories, in order, to -o")
  List<Path> reportFrom;

  @Option(
      names = "--server-jar",
      description =
          "the contender servers' jar (default: contenders/target/membreaker-contenders.jar "
              + "next to this jar's module, or under the current directory)")
  Path serverJar;

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    if (reportFrom != null) {
      return reportFromEarlierRuns(stdout);
    }
    if (name == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give a scenario, a part, or all");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    List<String> names =
        "all".equals(lower) ? Scenario.NAMES : Scenario.PARTS.getOrDefault(lower, List.of(lower));
    List<String> gcs = new ArrayList<>();
    for (String collector : collectors) {
      String gc = collector.toLowerCase(Locale.ROOT);
      if (!COLLECTORS.containsKey(gc)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "no collector named '"
                + collector
                + "'; there are "
                + String.join(", ", new java.util.TreeSet<>(COLLECTORS.keySet())));
      }
      gcs.add(gc);
    }
    if (runs < 1 || runs > 20) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--runs must be 1 to 20, was " + runs);
    }
    List<Scenario> scenarios = new ArrayList<>();
    for (String n : names) {
      try {
        scenarios.add(Scenario.named(n, quick));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    for (String c : contenders) {
      if (!CONTENDERS.contains(c)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "no contender named '" + c + "'; there are " + String.join(", ", CONTENDERS));
      }
    }
    Path jar = serverJar != null ? serverJar : defaultServerJar();
    if (!Files.isRegularFile(jar)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "no contender server jar at "
              + jar.toAbsolutePath()
              + "; build it with mvn package, or give --server-jar");
    }
    if (gcs.size() == 1 && runs == 1) {
      runAll(scenarios, gcs.get(0), jar, out, stdout);
      stdout.println("report: " + out.resolve("report.html"));
      return 0;
    }
    StringBuilder summary =
        new StringBuilder(
            "| collector | run | scenario | contender | survived | OOM errors | CRITICAL ok |"
                + " goodput /s | shed | p99 ms | to HEALTHY s |\n"
                + "|---|---:|---|---|---|---:|---:|---:|---:|---:|---:|\n");
    for (String gc : gcs) {
      for (int run = 1; run <= runs; run++) {
        Path dir = out.resolve(gc + "-run" + run);
        stdout.printf("== %s, run %d of %d: %s%n", gc, run, runs, dir);
        for (Measures m : runAll(scenarios, gc, jar, dir, stdout)) {
          summary.append(
              String.format(
                  Locale.ROOT,
                  "| %s | %d | %s | %s | %s | %d | %.1f %% | %.1f | %.1f %% | %.1f | %s |%n",
                  gc,
                  run,
                  m.scenario(),
                  m.contender(),
                  m.survived() ? "yes" : "**died at " + m.diedAtSeconds() + " s**",
                  m.outOfMemoryErrors(),
                  100 * m.criticalSuccess(),
                  m.goodput(),
                  100 * m.shedShare(),
                  m.p99Millis(),
                  m.backToHealthySeconds() == null
                      ? "-"
                      : String.format(Locale.ROOT, "%.2f", m.backToHealthySeconds())));
        }
      }
    }
    String environment = ScenarioReport.environment(heap, String.join(", ", gcs), quick);
    String text = summary + "\n" + environment + "; " + runs + " run(s) each\n";
    Files.writeString(out.resolve("summary.md"), text, StandardCharsets.UTF_8);
    stdout.println();
    stdout.print(text);
    stdout.println("summary: " + out.resolve("summary.md"));
    return 0;
  }

  /**
   * Runs every scenario against every contender on one collector; writes their report to {@code
   * dir}.
   */
  private List<Measures> runAll(
      List<Scenario> chosen, String gc, Path jar, Path dir, PrintWriter stdout)
      throws java.io.IOException, InterruptedException {
    List<Scenario> scenarios = new ArrayList<>();
    for (Scenario s : chosen) {
      Scenario withFlags = s.withJvmArg(COLLECTORS.get(gc));
      for (String flag : jvmFlags) {
        withFlags = withFlags.withJvmArg(flag);
      }
      scenarios.add(withFlags);
    }
    Path out = dir;
    Files.createDirectories(out);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    List<ScenarioRun.Result> results = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      for (String contender : contenders) {
        stdout.printf("%s / %s: %d s ...%n", scenario.name(), contender, scenario.seconds());
        stdout.flush();
        List<String> serverArgs =
            "membreaker".equals(contender) && membreakerConfig != null
                ? List.of("--config", membreakerConfig.toAbsolutePath().toString())
                : List.of();
        ScenarioRun.Result r =
            ScenarioRun.run(
                scenario,
                contender,
                jar,
                heap,
                out.resolve(scenario.name() + "-" + contender + ".log"),
                serverArgs);
        results.add(r);
        json.writeValue(
            out.resolve(scenario.name() + "-" + contender + ".json").toFile(), r.toJson());
        stdout.println("  " + ScenarioReport.oneLine(r.measures()));
        stdout.flush();
      }
    }
    List<Measures> all = results.stream().map(ScenarioRun.Result::measures).toList();
    json.writeValue(out.resolve("results.json").toFile(), all);
    String environment =
        ScenarioReport.environment(heap, gc, quick)
            + (jvmFlags.isEmpty() ? "" : " with " + String.join(" ", jvmFlags));
    Files.writeString(
        out.resolve("results.md"),
        ScenarioReport.markdown(all, environment),
        StandardCharsets.UTF_8);
    Files.writeString(
        out.resolve("report.html"),
        ScenarioReport.html(results, environment),
        StandardCharsets.UTF_8);
    for (Scenario scenario : scenarios) { // one page per scenario too, for screenshots
      List<ScenarioRun.Result> mine =
          results.stream().filter(r -> r.scenario().name().equals(scenario.name())).toList();
      Files.writeString(
          out.resolve("report-" + scenario.name() + ".html"),
          ScenarioReport.html(mine, environment),
          StandardCharsets.UTF_8);
    }
    stdout.println();
    stdout.print(ScenarioReport.markdown(all, environment));
    return all;
  }

  private int reportFromEarlierRuns(PrintWriter stdout) throws java.io.IOException {
    ObjectMapper json = new ObjectMapper();
    List<Measures> all = new ArrayList<>();
    for (Path dir : reportFrom) {
      Path file = dir.resolve("results.json");
      if (!Files.isRegularFile(file)) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "no results.json in " + dir);
      }
      all.addAll(List.of(json.readValue(file.toFile(), Measures[].class)));
    }
    Files.createDirectories(out);
    String environment =
        ScenarioReport.environment(
                heap, String.join(", ", collectors).toLowerCase(Locale.ROOT), quick)
            + " (from "
            + reportFrom.stream()
                .map(Path::toString)
                .collect(java.util.stream.Collectors.joining(", "))
            + ")";
    String markdown = ScenarioReport.markdown(all, environment);
    Files.writeString(out.resolve("results.md"), markdown, StandardCharsets.UTF_8);
    stdout.print(markdown);
    return 0;
  }

  /**
   * contenders/target/membreaker-contenders.jar beside this jar's module (loadtest/target), else
   * under the current directory.
   */
  public static Path defaultServerJar() {
    Path relative = Path.of("contenders", "target", "membreaker-contenders.jar");
    try {
      Path self =
          Path.of(
              ScenarioCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path root =
          self.getParent() == null
              ? null
              : self.getParent().getParent(); // loadtest/target/x.jar → loadtest
      if (root != null
          && root.getParent() != null
          && Files.isRegularFile(root.getParent().resolve(relative))) {
        return root.getParent().resolve(relative);
      }
    } catch (java.net.URISyntaxException | SecurityException | NullPointerException e) {
      // fall through to the working directory
    }
    return relative;
  }
}
