package dev.vigil.schemas.compat;

import dev.vigil.schemas.registry.AvroCompatibility;
import dev.vigil.schemas.registry.CompatibilityResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * The released schema versions kept in {@code src/main/avro-released/<RecordName>/v<n>.avsc}, and
 * the check that the current schema can read data written with each of them.
 */
final class ReleasedSchemas {

  /** Where released versions live, relative to the module directory (the test working dir). */
  static final Path DIRECTORY = Path.of("src", "main", "avro-released");

  /** The contract sources, relative to the module directory. */
  static final Path SOURCES = Path.of("src", "main", "avro");

  /** Shared types, in the order the avro-maven-plugin imports them (see pom.xml). */
  private static final List<String> IMPORTS =
      List.of(
          "SubjectType",
          "Criticality",
          "RiskLevel",
          "EnforcementAction",
          "DecisionMode",
          "Geo",
          "UserAgent",
          "Contribution");

  /** One released version of a record. */
  record Released(String recordName, String version, Path file, Schema schema) {}

  private ReleasedSchemas() {}

  /** Every released version of every record, sorted by path. */
  static List<Released> all(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalStateException(
          "Released schemas directory " + directory.toAbsolutePath() + " does not exist.");
    }
    try (Stream<Path> files = Files.walk(directory)) {
      List<Released> released = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).sorted().toList()) {
        String recordName = file.getParent().getFileName().toString();
        String version = file.getFileName().toString().replace(".avsc", "");
        released.add(
            new Released(recordName, version, file, new Schema.Parser().parse(file.toFile())));
      }
      return released;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The schema of a top-level record as written in {@code src/main/avro}, parsed the way the
   * avro-maven-plugin does it (shared types first). Unlike a generated class, this cannot be stale.
   */
  static Schema fromSources(String recordName) {
    try {
      Schema.Parser parser = new Schema.Parser();
      for (String shared : IMPORTS) {
        parser.parse(SOURCES.resolve("common").resolve(shared + ".avsc").toFile());
      }
      return parser.parse(SOURCES.resolve(recordName + ".avsc").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Problems reading data written with {@code released} using {@code current}, each as one line
   * naming the record, the version and the field; empty when compatible.
   */
  static List<String> problems(Schema current, Released released) {
    CompatibilityResult result = AvroCompatibility.canRead(current, released.schema());
    return result.messages().stream()
        .map(
            m ->
                released.recordName()
                    + " cannot read data written with released "
                    + released.version()
                    + " ("
                    + released.file()
                    + "): "
                    + m)
        .toList();
  }
}
