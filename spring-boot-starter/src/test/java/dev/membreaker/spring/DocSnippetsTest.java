package dev.membreaker.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every Java block in README.md and docs/*.md compiles as written, as a reader who pastes it would
 * compile it: each block is a whole source file (its imports, its class), compiled with javac
 * against this module's test class path, which has membreaker's library modules, grpc-java,
 * OpenTelemetry and Spring Boot. A block that is not meant to compile is not written as {@code
 * ```java}.
 */
class DocSnippetsTest {

  private static final Pattern BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE =
      Pattern.compile(
          "^(?:public\\s+)?(?:final\\s+|abstract\\s+)*(?:class|record|interface|enum)\\s+(\\w+)",
          Pattern.MULTILINE);

  @TempDir Path out;

  record Snippet(Path doc, int index, String source) {
    String where() {
      return doc.getFileName() + " block " + index;
    }
  }

  private static List<Snippet> snippets() throws IOException {
    Path root = Path.of("..");
    List<Path> docs = new ArrayList<>();
    docs.add(root.resolve("README.md"));
    try (Stream<Path> files = Files.list(root.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    List<Snippet> all = new ArrayList<>();
    for (Path doc : docs) {
      Matcher m = BLOCK.matcher(Files.readString(doc, StandardCharsets.UTF_8));
      int i = 0;
      while (m.find()) {
        all.add(new Snippet(doc, ++i, m.group(1)));
      }
    }
    return all;
  }

  @Test
  void everyJavaBlockInTheDocsCompilesAsWritten() throws IOException {
    List<Snippet> snippets = snippets();
    assertThat(snippets)
        .as("the README and docs have Java examples")
        .hasSizeGreaterThanOrEqualTo(5);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> failures = new ArrayList<>();
    for (Snippet s : snippets) {
      Matcher type = TYPE.matcher(s.source());
      if (!type.find()) {
        failures.add(
            s.where()
                + ": not a whole source file (no class, record, interface or enum to compile)");
        continue;
      }
      Path dir = Files.createDirectories(out.resolve(s.doc().getFileName() + "-" + s.index()));
      Path file = dir.resolve(type.group(1) + ".java");
      Files.writeString(file, s.source());
      DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
      try (StandardJavaFileManager files =
          javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
        StringWriter log = new StringWriter();
        boolean ok =
            javac
                .getTask(
                    log,
                    files,
                    diagnostics,
                    List.of(
                        "-d",
                        dir.toString(),
                        "-classpath",
                        System.getProperty("java.class.path"),
                        "-proc:none",
                        "--release",
                        "17"),
                    null,
                    files.getJavaFileObjects(file))
                .call();
        if (!ok) {
          StringBuilder why = new StringBuilder(s.where() + ":");
          diagnostics
              .getDiagnostics()
              .forEach(
                  d ->
                      why.append("\n  line ")
                          .append(d.getLineNumber())
                          .append(": ")
                          .append(d.getMessage(null)));
          failures.add(why.toString());
        }
      }
    }
    assertThat(failures).as("Java blocks that do not compile").isEmpty();
  }
}
