package dev.membreaker;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * No two packages of the load tool depend on each other: each can be read and changed alone. Only
 * this module's classes are read (target/classes).
 */
class PackageCyclesTest {

  @Test
  void noPackagesDependOnEachOther() {
    slices()
        .matching("dev.membreaker.(*)..")
        .should()
        .beFreeOfCycles()
        .check(new ClassFileImporter().importPath(Path.of("target/classes")));
  }
}
