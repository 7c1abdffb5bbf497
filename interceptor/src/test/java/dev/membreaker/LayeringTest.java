package dev.membreaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dependencies point inward: the core packages import neither gRPC nor OpenTelemetry. */
class LayeringTest {

  @ParameterizedTest
  @ValueSource(strings = {"time", "memory", "signal", "breaker", "policy", "actions"})
  void theCoreImportsNoFramework(String pkg) throws IOException {
    Path dir = Path.of("src/main/java/dev/membreaker", pkg);
    List<String> offenders;
    try (Stream<Path> files = Files.walk(dir)) {
      offenders = files.filter(f -> f.toString().endsWith(".java"))
          .filter(f -> {
            try {
              String text = Files.readString(f);
              return text.contains("import io.grpc") || text.contains("import io.opentelemetry")
                  || text.contains("import dev.membreaker.grpc");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString)
          .collect(Collectors.toList());
    }
    assertThat(offenders).as("core files importing gRPC or OpenTelemetry").isEmpty();
    assertThat(dir).isDirectory();
  }
}
