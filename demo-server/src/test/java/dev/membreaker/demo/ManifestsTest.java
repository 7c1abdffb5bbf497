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
    return docs.stream()
        .filter(d -> d.path("kind").asText().equals(kind))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in " + MANIFEST));
  }

  private static String demoDefault(String option) {
    return new CommandLine(new DemoServer(new PrintStream(PrintStream.nullOutputStream())))
        .getCommandSpec()
        .findOption(option)
        .defaultValue();
  }

  @Test
  void theManifestsMatchTheDemoServer() throws Exception {
    List<JsonNode> docs = documents();
    assertThat(docs)
        .extracting(d -> d.path("kind").asText())
        .containsExactly("ConfigMap", "Deployment", "Service");

    JsonNode pod = kind(docs, "Deployment").path("spec").path("template");
    JsonNode container = pod.path("spec").path("containers").get(0);
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    String port = args.get(args.indexOf("--port") + 1);
    String metricsPort = args.get(args.indexOf("--metrics-port") + 1);
    assertThat(port).isEqualTo(demoDefault("--port")).isEqualTo("50051");
    assertThat(metricsPort).isEqualTo(demoDefault("--metrics-port")).isEqualTo("9464");
    assertThat(container.has("command")).as("the image's entrypoint runs the demo").isFalse();
    List<String> javaOptions = new ArrayList<>();
    container
        .path("env")
        .forEach(
            e -> {
              if (e.path("name").asText().equals("JAVA_TOOL_OPTIONS")) {
                javaOptions.add(e.path("value").asText());
              }
            });
    assertThat(javaOptions)
        .singleElement()
        .asString()
        .contains("-XX:MaxRAMPercentage=60", "-XX:+ExitOnOutOfMemoryError");
    assertThat(java.nio.file.Files.readString(Path.of("pom.xml")))
        .as("the Jib image's entrypoint runs the demo server")
        .contains("<mainClass>" + DemoServer.class.getName() + "</mainClass>")
        .contains("<goal>buildTar</goal>");

    List<Integer> containerPorts = new ArrayList<>();
    container.path("ports").forEach(p -> containerPorts.add(p.path("containerPort").asInt()));
    assertThat(containerPorts)
        .containsExactly(Integer.parseInt(port), Integer.parseInt(metricsPort));
    assertThat(container.path("readinessProbe").path("grpc").path("port").asInt())
        .isEqualTo(Integer.parseInt(port));
    assertThat(container.path("readinessProbe").path("grpc").path("service").asText())
        .isEqualTo("membreaker.demo.v1.PaymentService");
    assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
        .isEqualTo(metricsPort);
    assertThat(pod.path("metadata").path("annotations").path("prometheus.io/path").asText())
        .isEqualTo("/metrics");
    assertThat(container.path("resources").path("limits").path("memory").asText()).isNotEmpty();

    // --config points into the ConfigMap volume, at a key the ConfigMap has, and that file is
    // valid.
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
    assertThat(
            StreamSupport.stream(service.path("spec").path("ports").spliterator(), false)
                .map(p -> p.path("port").asInt()))
        .containsExactly(Integer.parseInt(port), Integer.parseInt(metricsPort));
  }

  private static final Path KUSTOMIZATION = Path.of("../deploy/k8s/kustomization.yaml");

  @Test
  void everySecretConfigMapAndPortTheDeploymentUsesIsMadeByTheManifests() throws Exception {
    List<JsonNode> docs = documents();
    JsonNode kustomization = new YAMLMapper().readTree(KUSTOMIZATION.toFile());
    List<String> resources = new ArrayList<>();
    kustomization.path("resources").forEach(r -> resources.add(r.asText()));
    assertThat(resources).containsExactly(MANIFEST.getFileName().toString());

    // what the manifests make: the kinds in the file, and the kustomization's generated Secrets
    java.util.Map<String, java.util.Set<String>> secrets = new java.util.HashMap<>();
    kustomization
        .path("secretGenerator")
        .forEach(
            g -> {
              java.util.Set<String> keys = new java.util.HashSet<>();
              g.path("files")
                  .forEach(
                      f ->
                          keys.add(
                              f.asText().contains("=")
                                  ? f.asText().substring(0, f.asText().indexOf('='))
                                  : Path.of(f.asText()).getFileName().toString()));
              g.path("literals")
                  .forEach(l -> keys.add(l.asText().substring(0, l.asText().indexOf('='))));
              secrets.put(g.path("name").asText(), keys);
            });
    assertThat(kustomization.path("generatorOptions").path("disableNameSuffixHash").asBoolean())
        .as("the Secret keeps the name the Deployment and the docs use")
        .isTrue();
    java.util.Map<String, java.util.Set<String>> configMaps = new java.util.HashMap<>();
    docs.stream()
        .filter(d -> d.path("kind").asText().equals("ConfigMap"))
        .forEach(
            c -> {
              java.util.Set<String> keys = new java.util.HashSet<>();
              c.path("data").fieldNames().forEachRemaining(keys::add);
              configMaps.put(c.path("metadata").path("name").asText(), keys);
            });

    JsonNode pod = kind(docs, "Deployment").path("spec").path("template").path("spec");
    JsonNode container = pod.path("containers").get(0);
    int secretRefs = 0;
    for (JsonNode env : container.path("env")) {
      JsonNode ref = env.path("valueFrom").path("secretKeyRef");
      if (!ref.isMissingNode()) {
        secretRefs++;
        assertThat(secrets)
            .as("Secret %s", ref.path("name").asText())
            .containsKey(ref.path("name").asText());
        assertThat(secrets.get(ref.path("name").asText())).contains(ref.path("key").asText());
        assertThat(ref.path("optional").asBoolean(false))
            .as("required: no silent read-only start")
            .isFalse();
        assertThat(env.path("name").asText())
            .as("the variable the demo reads its token from")
            .isEqualTo(DemoServer.TOKEN_ENV)
            .isEqualTo(ConfigFile.defaults().admin().tokenEnv());
      }
      JsonNode cm = env.path("valueFrom").path("configMapKeyRef");
      if (!cm.isMissingNode()) {
        assertThat(configMaps).containsKey(cm.path("name").asText());
      }
    }
    assertThat(secretRefs).isEqualTo(1);
    for (JsonNode volume : pod.path("volumes")) {
      if (volume.has("configMap")) {
        assertThat(configMaps).containsKey(volume.path("configMap").path("name").asText());
      }
      if (volume.has("secret")) {
        assertThat(secrets).containsKey(volume.path("secret").path("secretName").asText());
      }
    }
    java.util.Set<String> mounted = new java.util.HashSet<>();
    pod.path("volumes").forEach(v -> mounted.add(v.path("name").asText()));
    container
        .path("volumeMounts")
        .forEach(m -> assertThat(mounted).contains(m.path("name").asText()));

    // every port a probe, an annotation or the Service names is one the container opens, and a demo
    // flag sets it
    List<String> args = new ArrayList<>();
    container.path("args").forEach(a -> args.add(a.asText()));
    java.util.Map<String, Integer> containerPorts = new java.util.HashMap<>();
    container
        .path("ports")
        .forEach(p -> containerPorts.put(p.path("name").asText(), p.path("containerPort").asInt()));
    assertThat(containerPorts)
        .containsEntry("grpc", Integer.parseInt(args.get(args.indexOf("--port") + 1)))
        .containsEntry("metrics", Integer.parseInt(args.get(args.indexOf("--metrics-port") + 1)));
    assertThat(containerPorts.values())
        .contains(
            container.path("readinessProbe").path("grpc").path("port").asInt(),
            container.path("livenessProbe").path("grpc").path("port").asInt());
    kind(docs, "Service")
        .path("spec")
        .path("ports")
        .forEach(
            p -> {
              assertThat(containerPorts).containsKey(p.path("targetPort").asText());
              assertThat(p.path("port").asInt())
                  .isEqualTo(containerPorts.get(p.path("targetPort").asText()));
            });
    for (String arg : args) {
      if (arg.startsWith("--")) {
        assertThat(
                new CommandLine(new DemoServer(new PrintStream(PrintStream.nullOutputStream())))
                    .getCommandSpec()
                    .findOption(arg))
            .as("the demo has a flag %s", arg)
            .isNotNull();
      }
    }
    assertThat(java.nio.file.Files.readString(Path.of("../deploy/k8s/.gitignore")))
        .contains("admin-token");
  }
}
