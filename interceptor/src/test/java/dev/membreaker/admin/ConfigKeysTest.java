package dev.membreaker.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.breaker.ConfirmGc;
import dev.membreaker.config.ConfigFile;
import dev.membreaker.memory.Dimension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The breaker's keys, as {@link BreakerConfig#values()} lists them, against every other place that
 * names them: the config file's reader, the admin proto and its mapping, and the table in {@code
 * docs/configuration.md}. A key added to one and not the others fails here.
 */
class ConfigKeysTest {

  /** A config with every key away from its default (a new key must be added here too). */
  private static final BreakerConfig CHANGED =
      BreakerConfig.builder()
          .warning(0.71)
          .degraded(0.81)
          .open(0.91)
          .recover(0.66)
          .emergency(0.98)
          .emergencyCollections(3)
          .criticalCap(0.96)
          .sampleInterval(Duration.ofMillis(40))
          .cgroupReadInterval(Duration.ofMillis(700))
          .stallIntervals(11)
          .windowSize(65)
          .ewmaAlpha(0.3)
          .growthBaselineWindow(Duration.ofMinutes(11))
          .growthBaselineMinSamples(61)
          .occupancyFloor(0.55)
          .growthWarningFactor(0.85)
          .growthMinRate(0.02)
          .growthOpenSamples(4)
          .exhaustionWarningHorizon(Duration.ofSeconds(31))
          .exhaustionOpenHorizon(Duration.ofSeconds(11))
          .recoverSamples(6)
          .recoverTime(Duration.ofMillis(600))
          .confirmGc(ConfirmGc.CONCURRENT_ONLY)
          .confirmPauseBudget(0.02)
          .openMin(Duration.ofSeconds(6))
          .openMax(Duration.ofSeconds(61))
          .halfOpenRamp(Duration.ofSeconds(11))
          .halfOpenProbeShare(0.2)
          .outcomeWindow(101)
          .outcomeMinCalls(21)
          .failureRateThreshold(0.6)
          .consecutiveFailures(5)
          .slowCallThreshold(Duration.ofMillis(900))
          .slowCallRateThreshold(0.9)
          .failureCodes(Set.of(2, 14))
          .transitionHistory(65)
          .inFlightBudgetBytes(48L << 20)
          .maxQueuedBytesPerCall(2L << 20)
          .dimensions(EnumSet.of(Dimension.HEAP_LIVE, Dimension.DIRECT))
          .build();

  private static Set<String> keys() {
    return BreakerConfig.defaults().values().keySet();
  }

  @Test
  void theChangedConfigChangesEveryKey() {
    Map<String, String> defaults = BreakerConfig.defaults().values();
    CHANGED
        .values()
        .forEach(
            (key, value) ->
                assertThat(value)
                    .as("%s is at its default in CHANGED; change it there", key)
                    .isNotEqualTo(defaults.get(key)));
  }

  @Test
  void theConfigFileReadsEveryKey() {
    StringBuilder yaml = new StringBuilder("breaker:\n");
    CHANGED
        .values()
        .forEach(
            (key, value) ->
                yaml.append("  ").append(key).append(": ").append(yamlValue(value)).append('\n'));
    ConfigFile file = ConfigFile.parse("all.yaml", yaml.toString());
    assertThat(file.breakerKeys()).isEqualTo(new TreeSet<>(keys()));
    assertThat(file.breaker()).isEqualTo(CHANGED);
  }

  @Test
  void theAdminProtoCarriesEveryKeyBothWays() {
    Set<String> fields = new TreeSet<>();
    for (com.google.protobuf.Descriptors.FieldDescriptor f :
        dev.membreaker.admin.v1.BreakerConfig.getDescriptor().getFields()) {
      fields.add(
          f.getName().replaceAll("_(share|bytes)$", "").equals("in_flight_budget")
              ? "in_flight_budget"
              : f.getName());
    }
    assertThat(fields).isEqualTo(new TreeSet<>(keys()));
    // What GetConfig sends, UpdateConfig takes back to the same config (the start-only key as in
    // force).
    BreakerConfig base =
        BreakerConfig.defaults().toBuilder()
            .cgroupReadInterval(CHANGED.cgroupReadInterval())
            .build();
    assertThat(ConfigMessages.apply(base, ConfigMessages.toProto(CHANGED))).isEqualTo(CHANGED);
  }

  @Test
  void startOnlyKeysAreRefusedOverTheAdminApi() {
    dev.membreaker.admin.v1.BreakerConfig change =
        dev.membreaker.admin.v1.BreakerConfig.newBuilder()
            .setCgroupReadInterval(ConfigMessages.proto(Duration.ofSeconds(2)))
            .build();
    for (String key : BreakerConfig.START_ONLY_KEYS) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> ConfigMessages.apply(BreakerConfig.defaults(), change))
          .hasMessageContaining(key)
          .hasMessageContaining("restart");
    }
  }

  @Test
  void theDocsTableListsEveryKeyInOrder() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    String section = docs.substring(docs.indexOf("## `breaker`"), docs.indexOf("## `interceptor`"));
    Set<String> documented = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\|").matcher(section);
    while (m.find()) {
      documented.add(m.group(1));
    }
    assertThat(documented).containsExactlyElementsOf(keys());
  }

  @Test
  void theDocsTableGivesEveryKeysDefault() throws Exception {
    String docs = Files.readString(Path.of("..", "docs", "configuration.md"));
    String section = docs.substring(docs.indexOf("## `breaker`"), docs.indexOf("## `interceptor`"));
    Matcher m = Pattern.compile("(?m)^\\| `([a-z_]+)` \\| [^|]+ \\| ([^|]+) \\|").matcher(section);
    Map<String, String> defaults = BreakerConfig.defaults().values();
    int checked = 0;
    while (m.find()) {
      String key = m.group(1);
      String documented = m.group(2).trim();
      if (key.equals("dimensions")) {
        assertThat(documented).isEqualTo("all");
        assertThat(BreakerConfig.defaults().dimensions())
            .containsExactlyInAnyOrder(Dimension.values());
      } else {
        // The docs' text, read by the config file's own reader, must give the default.
        BreakerConfig read =
            ConfigFile.parse("docs", "breaker:\n  " + key + ": " + documented + "\n").breaker();
        assertThat(read.values().get(key))
            .as("the documented default of %s (%s)", key, documented)
            .isEqualTo(defaults.get(key));
      }
      checked++;
    }
    assertThat(checked).isEqualTo(keys().size());
  }

  /** A value of {@link BreakerConfig#values()} as the config file writes it. */
  private static String yamlValue(String value) {
    if (value.startsWith("PT")) {
      return Duration.parse(value).toMillis() + "ms";
    }
    return value;
  }
}
