package dev.membreaker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.membreaker.breaker.MemoryBreaker;
import dev.membreaker.memory.Dimension;
import dev.membreaker.testing.FakeKubeletConfigMap;
import dev.membreaker.testing.FakeMemorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Hot reload: applied within 2 s through the WatchService (the safety-net poll is set to a minute
 * here, so it can't be what applies them), across the kubelet's ConfigMap swap, rename-saves and
 * delete-recreate; invalid files refused whole.
 */
class ConfigReloadTest {

  private static final Duration APPLIED_WITHIN = Duration.ofSeconds(2);
  private static final Duration NO_POLL = Duration.ofMinutes(1);

  @TempDir Path dir;
  private final MemoryBreaker breaker =
      MemoryBreaker.builder()
          .sources(List.of(FakeMemorySource.atPressure(Dimension.HEAP_LIVE, 0.3)))
          .listenerExecutor(Runnable::run)
          .build();
  private ConfigWatcher watcher;

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
    breaker.close();
  }

  private static String config(double warning) {
    return "breaker:\n  warning: " + warning + "\n  open_min: 7s\n";
  }

  private void awaitWarning(double warning) {
    await()
        .atMost(APPLIED_WITHIN)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> breaker.config().warning() == warning);
  }

  @Test
  void aKubeletConfigMapUpdateIsAppliedWithinTwoSecondsThreeTimesInARow() throws Exception {
    FakeKubeletConfigMap volume = new FakeKubeletConfigMap(dir, "membreaker.yaml");
    volume.project(config(0.71));
    watcher = ConfigWatcher.start(volume.visibleFile(), breaker, NO_POLL, c -> {});
    assertThat(breaker.config().warning()).isEqualTo(0.71);
    assertThat(breaker.config().openMin()).hasSeconds(7);
    for (double w : new double[] {0.72, 0.73, 0.74}) {
      volume.project(config(w));
      awaitWarning(w);
    }
    assertThat(watcher.reloads()).isEqualTo(3);
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith("..20")).count())
        .isEqualTo(1);
  }

  @Test
  void anEditorsRenameSaveIsApplied() throws Exception {
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, config(0.71));
    watcher = ConfigWatcher.start(file, breaker, NO_POLL, c -> {});
    for (double w : new double[] {0.72, 0.73}) {
      Path tmp = dir.resolve(".membreaker.yaml.swp");
      Files.writeString(tmp, config(w));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      awaitWarning(w);
    }
  }

  @Test
  void aFileDeletedAndRecreatedIsApplied() throws Exception {
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, config(0.71));
    watcher = ConfigWatcher.start(file, breaker, NO_POLL, c -> {});
    Files.delete(file);
    watcher.reloadIfChanged(); // a missing file changes nothing
    assertThat(breaker.config().warning()).isEqualTo(0.71);
    Files.writeString(file, config(0.73));
    awaitWarning(0.73);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "syntax error        | 'breaker:\n"
            + "\twarning: 0.7\n"
            + "'                         | not valid YAML",
        "unknown key         | 'breaker:\n"
            + "  warnig: 0.72\n"
            + "'                         | unknown key breaker.warnig",
        "wrong type          | 'breaker:\n"
            + "  warning: high\n"
            + "'                        | breaker.warning",
        "out of range        | 'breaker:\n"
            + "  warning: 1.5\n"
            + "'                         | warning must be a fraction in (0, 1], was 1.5",
        "out of order        | 'breaker:\n"
            + "  recover: 0.9\n"
            + "'                         | watermarks must rise",
        "bad duration        | 'breaker:\n"
            + "  open_min: soon\n"
            + "'                       | is not a duration",
        "empty file          | ''                                                    | the file is"
            + " empty"
      })
  void anInvalidFileLeavesThePreviousConfigInForceAndTheErrorVisible(
      String kind, String content, String expected) throws Exception {
    FakeKubeletConfigMap volume = new FakeKubeletConfigMap(dir, "membreaker.yaml");
    volume.project(config(0.71));
    watcher = ConfigWatcher.start(volume.visibleFile(), breaker, NO_POLL, c -> {});
    long version = breaker.configVersion();
    volume.project(content);
    await().atMost(APPLIED_WITHIN).until(() -> watcher.errors() == 1);
    assertThat(breaker.config().warning()).isEqualTo(0.71);
    assertThat(breaker.configVersion()).isEqualTo(version);
    assertThat(breaker.lastConfigError()).contains(expected).contains("membreaker.yaml");
    // A good file clears it.
    volume.project(config(0.72));
    awaitWarning(0.72);
    assertThat(breaker.lastConfigError()).isEmpty();
  }

  @Test
  void unknownKeysAndWrongTypesNameTheirLine() {
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse("f.yaml", "breaker:\n  warning: 0.7\n  opn: 0.9\n"));
    assertThat(e.getMessage())
        .contains("f.yaml line 3")
        .contains("unknown key breaker.opn")
        .contains("open");
    ConfigException t =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () -> ConfigFile.parse("f.yaml", "interceptor:\n  max_concurrent_calls: many\n"));
    assertThat(t.getMessage()).contains("line 2").contains("interceptor.max_concurrent_calls");
  }

  @Test
  void adminChangesLastUntilTheFileChanges() throws Exception {
    FakeKubeletConfigMap volume = new FakeKubeletConfigMap(dir, "membreaker.yaml");
    volume.project(config(0.71));
    watcher = ConfigWatcher.start(volume.visibleFile(), breaker, NO_POLL, c -> {});
    breaker.updateConfig(
        breaker.config().toBuilder().warning(0.75).build()); // as admin UpdateConfig does
    volume.project(config(0.71)); // the same content: the kubelet writes nothing
    watcher.reloadIfChanged(); // and a re-read of an unchanged file changes nothing
    assertThat(breaker.config().warning()).isEqualTo(0.75);
    volume.project(config(0.72)); // a new file: it replaces the admin's change
    awaitWarning(0.72);
  }

  @Test
  void aBrokenFileStaysVisibleWhateverTheAdminDoesUntilTheFileIsFixed() throws Exception {
    FakeKubeletConfigMap volume = new FakeKubeletConfigMap(dir, "membreaker.yaml");
    volume.project(config(0.71));
    watcher = ConfigWatcher.start(volume.visibleFile(), breaker, NO_POLL, c -> {});
    volume.project("breaker:\n  warning: high\n");
    await().atMost(APPLIED_WITHIN).until(() -> watcher.errors() == 1);
    breaker.updateConfig(
        breaker.config().toBuilder().warning(0.75).build()); // as admin UpdateConfig does
    assertThat(breaker.config().warning()).isEqualTo(0.75);
    assertThat(breaker.lastConfigError())
        .as("the file is still broken")
        .contains("breaker.warning");
    volume.project(config(0.72));
    awaitWarning(0.72);
    assertThat(breaker.lastConfigError()).isEmpty();
  }

  @Test
  void aFileRewrittenInPlaceWithTheSameContentChangesNothing() throws Exception {
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, config(0.71));
    watcher = ConfigWatcher.start(file, breaker, NO_POLL, c -> {});
    breaker.updateConfig(breaker.config().toBuilder().warning(0.75).build()); // an admin change
    long version = breaker.configVersion();
    // `cat copy.yaml > membreaker.yaml`: truncated first, then written; the watcher may read
    // either.
    Files.writeString(file, "");
    watcher.reloadIfChanged();
    assertThat(breaker.lastConfigError()).contains("empty");
    Files.writeString(file, config(0.71));
    watcher.reloadIfChanged();
    assertThat(breaker.config().warning()).as("the admin change stays").isEqualTo(0.75);
    assertThat(breaker.configVersion()).isEqualTo(version);
    assertThat(breaker.lastConfigError()).as("the file is whole again").isEmpty();
  }

  @Test
  void aConfigMapKeyThatDisappearsIsReportedAndItsReturnClearsIt() throws Exception {
    Path file = dir.resolve("membreaker.yaml");
    Files.writeString(file, config(0.71));
    watcher = ConfigWatcher.start(file, breaker, Duration.ofMillis(50), c -> {});
    Files.delete(file);
    await().atMost(APPLIED_WITHIN).until(() -> breaker.lastConfigError().contains("is gone"));
    assertThat(breaker.config().warning()).as("the last config stays in force").isEqualTo(0.71);
    Files.writeString(file, config(0.71));
    await().atMost(APPLIED_WITHIN).until(() -> breaker.lastConfigError().isEmpty());
    Files.delete(file);
    await().atMost(APPLIED_WITHIN).until(() -> breaker.lastConfigError().contains("is gone"));
    Files.writeString(file, config(0.73));
    awaitWarning(0.73);
    assertThat(breaker.lastConfigError()).isEmpty();
  }

  @Test
  void yamlSyntaxErrorsSayTheParsersProblemAndWhereItIs() {
    ConfigException tab =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigFile.parse("f.yaml", "breaker:\n\twarning: 0.7\n"));
    assertThat(tab.getMessage())
        .contains("f.yaml line 2, column 1")
        .contains("not valid YAML")
        .contains("cannot start any token");
    ConfigException bracket =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                ConfigFile.parse(
                    "f.yaml", "breaker:\n  dimensions: [heap_live, direct\n  warning: 0.7\n"));
    assertThat(bracket.getMessage()).contains("not valid YAML").contains("line 3");
  }
}
