package dev.membreaker.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.membreaker.config.ConfigFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The Kubernetes manifests parse, and name the ports and paths the demo server really uses. */
class ManifestsTest {

  private static final Path MANIFEST = Path.of("../deploy/k8s/membreaker-demo.yaml");

  private static List<JsonNode> documents() throws Exception {
    ObjectMapper yaml = new YAMLMapper();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(MANIFEST.toFile())) {
      yaml.readValues(parser, JsonNode.class).forEachRemaining(docs::add);
    }
    return docs;
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + MANIFEST));
  }

  private static String demoDefault(String option) {
    return new CommandLine(new DemoServer(new PrintStream(PrintStream.nullOutputStream())))
        .getCommandSpec().findOption(option).defaultValue();
  }

  @Test
  void theManifestsMatchTheDemoServer() throws Exception {
    List<JsonNode> docs = documents();
    assertThat(docs).extracting(d -> d.path("kind").asText()).containsExactly("ConfigMap", "Deployment", "Service");

    JsonNode pod = kind(docs, "Deployment").path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    String port = args.get(args.indexOf("--port") + 1);
    String metricsPort = args.get(args.indexOf("--metrics-port") + 1);
    assertThat(port).isEqualTo(demoDefault("--port")).isEqualTo("50051");
    assertThat(metricsPort).isEqualTo(demoDefault("--metrics-port")).isEqualTo("9464");
    assertThat(args).contains("-XX:MaxRAMPercentage=60");

    List<Integer> containerPorts = new ArrayList<>();
    container.path("ports").forEach(p -> containerPorts.add(p.path("containerPort").asInt()));
    assertThat(containerPorts).containsExactly(Integer.parseInt(port), Integer.parseInt(metricsPort));
    assertThat(container.path("readinessProbe").path("grpc").path("port").asInt()).isEqualTo(Integer.parseInt(port));
    assertThat(container.path("readinessProbe").path("grpc").path("service").asText())
        .isEqualTo("membreaker.demo.v1.PaymentService");
    assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText()).isEqualTo(metricsPort);
    assertThat(pod.path("metadata").path("annotations").path("prometheus.io/path").asText()).isEqualTo("/metrics");
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();

    // --config points into the ConfigMap volume, at a key the ConfigMap has, and that file is valid.
    String configPath = args.get(args.indexOf("--config") + 1);
    JsonNode mount = container.path("volumeMounts").get(0);
    assertThat(configPath).startsWith(mount.path("mountPath").asText() + "/");
    String key = configPath.substring(mount.path("mountPath").asText().length() + 1);
    JsonNode configMap = kind(docs, "ConfigMap");
    assertThat(pod.path("spec").path("volumes").get(0).path("configMap").path("name").asText())
        .isEqualTo(configMap.path("metadata").path("name").asText());
    String file = configMap.path("data").path(key).asText();
    assertThat(file).isNotEmpty();
    ConfigFile parsed = ConfigFile.parse(key, file);
    assertThat(parsed.breaker().open()).isEqualTo(0.90);

    JsonNode service = kind(docs, "Service");
    List<String> targets = new ArrayList<>();
    service.path("spec").path("ports").forEach(p -> targets.add(p.path("targetPort").asText()));
    List<String> named = new ArrayList<>();
    container.path("ports").forEach(p -> named.add(p.path("name").asText()));
    assertThat(named).containsAll(targets);
    assertThat(StreamSupport.stream(service.path("spec").path("ports").spliterator(), false)
        .map(p -> p.path("port").asInt())).containsExactly(Integer.parseInt(port), Integer.parseInt(metricsPort));
  }
}
