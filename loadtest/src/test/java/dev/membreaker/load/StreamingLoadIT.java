package dev.membreaker.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.membreaker.cli.MembreakerCli;
import dev.membreaker.demo.DemoProcess;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every method type of the demo server, driven by the load tool with its schema from reflection.
 */
class StreamingLoadIT {

  private static JsonNode load(String target, String call, String data) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = MembreakerCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit =
        cli.execute(
            "load", target, "--call", call, "-d", data, "-c", "4", "-n", "40", "-O", "json");
    assertThat(exit).as(err.toString()).isZero();
    return new ObjectMapper().readTree(out.toString());
  }

  @Test
  void unaryClientServerAndBidiStreams() throws Exception {
    try (DemoProcess demo = DemoProcess.start("256m", null)) {
      String target = "127.0.0.1:" + demo.port;
      String svc = "membreaker.demo.v1.PaymentService/";
      for (String[] c :
          new String[][] {
            {"Quote", "{\"pair\":\"EURUSD\"}"},
            {"StreamReport", "{\"account\":\"a\",\"rows\":50}"},
            {
              "PayBatch",
              "[{\"account\":\"a\",\"amount_cents\":1},{\"account\":\"b\",\"amount_cents\":2}]"
            },
            {"QuoteStream", "[{\"pair\":\"EURUSD\"},{\"pair\":\"GBPUSD\"},{\"pair\":\"USDJPY\"}]"}
          }) {
        JsonNode json = load(target, svc + c[0], c[1]);
        assertThat(json.get("count").asLong()).as(c[0]).isEqualTo(40);
        assertThat(json.get("statusCodeDistribution").get("OK").asLong()).as(c[0]).isEqualTo(40);
      }
      assertThat(demo.terminate()).isZero();
    }
  }

  @Test
  void theSchemaCanComeFromAProtoFileInsteadOfReflection() throws Exception {
    // The protoc that built proto/ (a sibling module, built first in the reactor).
    java.nio.file.Path protoc =
        java.nio.file.Path.of("../proto/target/protoc-plugins/protoc-3.25.8-linux-x86_64.exe");
    try (DemoProcess demo = DemoProcess.start("256m", null)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cli = MembreakerCli.commandLine();
      cli.setOut(new PrintWriter(out, true));
      cli.setErr(new PrintWriter(err, true));
      int exit =
          cli.execute(
              "load",
              "127.0.0.1:" + demo.port,
              "--call",
              "membreaker.demo.v1.PaymentService.Pay",
              "--proto",
              "../proto/src/main/proto/membreaker/demo/v1/demo.proto",
              "-i",
              "../proto/src/main/proto",
              "--protoc",
              protoc.toString(),
              "-d",
              "{\"account\":\"{{.WorkerID}}\",\"amount_cents\":{{.RequestNumber}}}",
              "-m",
              "{\"x-request\":\"{{.RequestNumber}}\"}",
              "-n",
              "30",
              "-c",
              "3");
      assertThat(exit).as(err.toString()).isZero();
      assertThat(out.toString()).contains("[OK]\t30 responses");
      int bad =
          cli.execute(
              "load",
              "127.0.0.1:" + demo.port,
              "--call",
              "membreaker.demo.v1.PaymentService/Pay",
              "--proto",
              "no/such.proto",
              "--protoc",
              protoc.toString(),
              "-n",
              "1");
      assertThat(bad).isEqualTo(2);
      assertThat(err.toString()).contains("protoc could not compile");
      assertThat(demo.terminate()).isZero();
    }
  }
}
