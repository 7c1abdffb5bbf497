package dev.membreaker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.membreaker.demo.DemoProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin CLI against the demo server jar, as an operator would use it. */
class AdminCliAgainstDemoIT {

  @TempDir Path dir;

  private static String[] run(String... args) {
    return dev.membreaker.cli.CliRunner.run(args);
  }

  @Test
  void stateConfigSetAndOverrideAgainstTheDemo() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "demo-token");
    try (DemoProcess demo = DemoProcess.start("256m", "demo-token")) {
      String target = "127.0.0.1:" + demo.adminPort;
      String[] state = run("admin", "state", "--target", target);
      assertThat(state[0]).as(state[2]).isEqualTo("0");
      assertThat(state[1])
          .contains("state       HEALTHY")
          .contains("heap_live")
          .contains("config version 1");

      String[] set =
          run(
              "admin",
              "set",
              "warning=0.72",
              "--reason",
              "it",
              "--target",
              target,
              "--token-file",
              token.toString());
      assertThat(set[0]).as(set[2]).isEqualTo("0");
      assertThat(set[1]).contains("version 2");

      String[] override =
          run(
              "admin",
              "override",
              "SHADOW",
              "--reason",
              "it",
              "--for",
              "5m",
              "--target",
              target,
              "--token-file",
              token.toString());
      assertThat(override[0]).as(override[2]).isEqualTo("0");
      assertThat(override[1]).contains("override    SHADOW (it)");

      String[] noToken = run("admin", "override", "NONE", "--reason", "it", "--target", target);
      assertThat(noToken[0]).isEqualTo("1");

      String[] config = run("admin", "config", "--target", target, "--json");
      assertThat(config[1]).contains("\"version\": \"2\"").contains("\"warning\": 0.72");
      assertThat(demo.terminate()).isZero();
    }
  }
}
