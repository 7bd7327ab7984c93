package dev.ballast.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The build-enforced rule that keeps the core pure: it depends on the JDK and the SLF4J API only,
 * and never reads the clock, the environment, files or the network. Time comes from an injected
 * {@link java.time.Clock}.
 */
class CoreLayeringTest {

  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ballast.core");
  }

  @Test
  void dependsOnTheJdkAndSlf4jOnly() {
    ArchRule rule =
        noClasses()
            .that()
            .resideInAPackage("dev.ballast.core..")
            .should()
            .dependOnClassesThat()
            .resideOutsideOfPackages("dev.ballast.core..", "java..", "org.slf4j..");
    rule.check(core);
  }

  @Test
  void doesNoIo() {
    noClasses()
        .that()
        .resideInAPackage("dev.ballast.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("java.nio.file..", "java.net..", "java.nio.channels..")
        .orShould()
        .dependOnClassesThat()
        .haveNameMatching("java\\.io\\.(File|RandomAccessFile|Print|Console).*")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName(ProcessBuilder.class.getName())
        .orShould()
        .callMethod(Runtime.class, "getRuntime")
        .because("the core is records in, records out; adapters do the I/O")
        .check(core);
  }

  @Test
  void neverReadsTheSystemClockOrEnvironment() {
    noClasses()
        .that()
        .resideInAPackage("dev.ballast.core..")
        .should()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getProperty", String.class)
        .orShould()
        .callMethod(java.time.Instant.class, "now")
        .orShould()
        .callMethod(java.time.LocalDateTime.class, "now")
        .orShould()
        .callMethod(java.time.Clock.class, "systemUTC")
        .orShould()
        .callMethod(java.time.Clock.class, "systemDefaultZone")
        .because("time comes from an injected java.time.Clock, configuration from records")
        .check(core);
  }
}
