package dev.vigil.dev.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the design depends on, checked on the compiled production classes of every module:
 * risk logic without Kafka, no package cycles, the production application without the development
 * tools or broker classes.
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // Sibling modules are jars on this module's test classpath; their test jars are not.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages("dev.vigil");
  }

  @Test
  void shouldKeepRiskModelsFreeOfKafka() {
    noClasses()
        .that()
        .resideInAPackage("dev.vigil.risk..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.kafka..")
        .because("detectors, fusion and policy are plain Java, tested without Kafka")
        .check(production);
  }

  @Test
  void shouldHaveNoPackageCycles() {
    slices()
        .matching("dev.vigil.(**)")
        .should()
        .beFreeOfCycles()
        .because("each package is one clear place for one thing")
        .check(production);
  }

  @Test
  void shouldKeepTheProductionApplicationFreeOfDevelopmentTools() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.vigil.app..", "dev.vigil.risk..", "dev.vigil.schemas..", "dev.vigil.enforcement..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.vigil.dev..")
        .because("the production jar and image carry no demo, generator, bench or broker")
        .check(production);
  }

  @Test
  void shouldKeepBrokerClassesOutOfTheProductionApplication() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.vigil.app..", "dev.vigil.risk..", "dev.vigil.schemas..", "dev.vigil.enforcement..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "kafka..",
            "org.apache.kafka.server..",
            "org.apache.kafka.raft..",
            "org.apache.kafka.metadata..",
            "org.apache.kafka.storage..",
            "scala..")
        .because("only the development tools start a broker")
        .check(production);
  }

  @Test
  void shouldKeepTopologyCodeFreeOfTheCli() {
    noClasses()
        .that()
        .resideInAPackage("dev.vigil.app.topology..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.vigil.app.cli..", "picocli..")
        .because("topology builders are pure and separate from config and main")
        .check(production);
  }
}
