package dev.membreaker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Dependencies point inward. The core (the clock, the memory sources, the signals, the breaker, the
 * policies, the actions, the config and the extension points) imports no gRPC, no OpenTelemetry and
 * no Jackson, and nothing from the rooms built on it; no two packages depend on each other. Only
 * this module's classes are read (target/classes), not the generated protos.
 */
class ArchitectureTest {

  private static final JavaClasses MODULE =
      new ClassFileImporter().importPath(Path.of("target/classes"));

  private static final String[] CORE = {
    "dev.membreaker.time..", "dev.membreaker.memory..", "dev.membreaker.signal..",
    "dev.membreaker.breaker..", "dev.membreaker.policy..", "dev.membreaker.actions.."
  };

  @Test
  void theCoreImportsNoFramework() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.grpc..", "io.opentelemetry..", "com.fasterxml.jackson..")
        .because("the core runs, and is tested, without a transport, telemetry or YAML")
        .check(MODULE);
  }

  @Test
  void theCoreKnowsNothingBuiltOnIt() {
    noClasses()
        .that()
        .resideInAnyPackage(CORE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.membreaker.grpc..",
            "dev.membreaker.admin..",
            "dev.membreaker.telemetry..",
            "dev.membreaker.config..")
        .because("the interceptor, admin, telemetry and the config file are built on the core")
        .check(MODULE);
  }

  @Test
  void noPackagesDependOnEachOther() {
    slices().matching("dev.membreaker.(*)..").should().beFreeOfCycles().check(MODULE);
  }
}
