package dev.membreaker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.membreaker.breaker.BreakerConfig;
import dev.membreaker.policy.Priority;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigFileTest {

  @Test
  void everySectionParsesWithUnits() {
    ConfigFile f =
        ConfigFile.parse(
            "f.yaml",
            String.join(
                "\n",
                "breaker:",
                "  warning: 0.72",
                "  sample_interval: 100ms",
                "  open_max: 2m",
                "  failure_codes: [2, 14]",
                "interceptor:",
                "  priorities:",
                "    pkg.Payments/Pay: CRITICAL",
                "    pkg.Reports/*: sheddable",
                "  max_request_bytes: 512KiB",
                "  pushback: 1s",
                "admin:",
                "  port: 6000",
                ""));
    assertThat(f.breaker().warning()).isEqualTo(0.72);
    assertThat(f.breaker().sampleInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(f.breaker().openMax()).isEqualTo(Duration.ofMinutes(2));
    assertThat(f.breaker().failureCodes()).containsExactly(2, 14);
    assertThat(f.breaker().open()).isEqualTo(BreakerConfig.defaults().open());
    assertThat(f.interceptor().priorities()).containsEntry("pkg.Reports/*", Priority.SHEDDABLE);
    assertThat(f.interceptor().maxRequestBytes()).isEqualTo(512 * 1024);
    assertThat(f.interceptor().pushback()).isEqualTo(Duration.ofSeconds(1));
    assertThat(f.admin().port()).isEqualTo(6000);
    assertThat(f.admin().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void unitsParseAndRefuse() {
    assertThat(Units.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Units.duration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Units.size("512MiB")).isEqualTo(512L << 20);
    assertThat(Units.size("1GB")).isEqualTo(1_000_000_000L);
    assertThat(Units.size("4096")).isEqualTo(4096);
    assertThatThrownBy(() -> Units.duration("5 minutes")).hasMessageContaining("not a duration");
    assertThatThrownBy(() -> Units.size("lots")).hasMessageContaining("not a size");
  }

  @Test
  void aBadPriorityNamesItsKey() {
    assertThatThrownBy(
            () -> ConfigFile.parse("f.yaml", "interceptor:\n  priorities:\n    a.B/C: URGENT\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("interceptor.priorities.a.B/C")
        .hasMessageContaining("URGENT");
  }

  @Test
  void recoverTimeAndConfirmGcParseAndBadValuesNameTheirKey() {
    ConfigFile f =
        ConfigFile.parse("f.yaml", "breaker:\n  recover_time: 2s\n  confirm_gc: concurrent-only\n");
    assertThat(f.breaker().recoverTime()).isEqualTo(Duration.ofSeconds(2));
    assertThat(f.breaker().confirmGc()).isEqualTo(dev.membreaker.breaker.ConfirmGc.CONCURRENT_ONLY);
    assertThat(ConfigFile.parse("f.yaml", "breaker:\n  confirm_gc: OFF\n").breaker().confirmGc())
        .isEqualTo(dev.membreaker.breaker.ConfirmGc.OFF);
    assertThat(ConfigFile.parse("f.yaml", "breaker:\n  warning: 0.7\n").breaker().confirmGc())
        .isEqualTo(dev.membreaker.breaker.ConfirmGc.AUTO);
    assertThatThrownBy(() -> ConfigFile.parse("f.yaml", "breaker:\n  confirm_gc: sometimes\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("confirm_gc")
        .hasMessageContaining("sometimes");
    assertThatThrownBy(() -> ConfigFile.parse("f.yaml", "breaker:\n  recover_time: 2h\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("recover_time");
  }

  @Test
  void theInFlightBudgetIsAShareOrASizeAndTheQueueLimitAutoOffOrASize() {
    assertThat(
            ConfigFile.parse("f.yaml", "breaker:\n  in_flight_budget: 0.4\n")
                .breaker()
                .inFlightBudgetShare())
        .isEqualTo(0.4);
    assertThat(
            ConfigFile.parse("f.yaml", "breaker:\n  in_flight_budget: 30%\n")
                .breaker()
                .inFlightBudgetShare())
        .isEqualTo(0.3);
    BreakerConfig bytes =
        ConfigFile.parse("f.yaml", "breaker:\n  in_flight_budget: 48MiB\n").breaker();
    assertThat(bytes.inFlightBudgetBytes()).isEqualTo(48L << 20);
    assertThat(bytes.inFlightBudget(1L << 30)).isEqualTo(48L << 20);
    assertThat(
            ConfigFile.parse("f.yaml", "breaker:\n  max_queued_bytes_per_call: 2MiB\n")
                .breaker()
                .maxQueuedBytesPerCall())
        .isEqualTo(2L << 20);
    assertThat(
            ConfigFile.parse("f.yaml", "breaker:\n  max_queued_bytes_per_call: off\n")
                .breaker()
                .maxQueuedBytesPerCall())
        .isEqualTo(BreakerConfig.QUEUE_LIMIT_OFF);
    assertThat(
            ConfigFile.parse("f.yaml", "breaker:\n  warning: 0.7\n")
                .breaker()
                .maxQueuedBytesPerCall())
        .isEqualTo(BreakerConfig.QUEUE_LIMIT_AUTO);
    for (String bad : new String[] {"1.5", "0", "lots", "120%", "-5MiB"}) {
      assertThatThrownBy(
              () -> ConfigFile.parse("f.yaml", "breaker:\n  in_flight_budget: " + bad + "\n"))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("in_flight_budget");
    }
    assertThatThrownBy(
            () -> ConfigFile.parse("f.yaml", "breaker:\n  max_queued_bytes_per_call: 10\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max_queued_bytes_per_call");
  }

  @Test
  void dimensionsAreChosenByName() {
    ConfigFile f = ConfigFile.parse("f.yaml", "breaker:\n  dimensions: [heap_live, container]\n");
    assertThat(f.breaker().dimensions())
        .containsExactlyInAnyOrder(
            dev.membreaker.memory.Dimension.HEAP_LIVE, dev.membreaker.memory.Dimension.CONTAINER);
    assertThatThrownBy(
            () -> ConfigFile.parse("f.yaml", "breaker:\n  dimensions: [heap_live, swap]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown memory dimension 'swap'");
    assertThatThrownBy(() -> ConfigFile.parse("f.yaml", "breaker:\n  dimensions: [heap_used]\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dimensions must include");
  }
}
