package dev.vigil.schemas.compat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schemas.compat.ReleasedSchemas.Released;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.testing.FixedIdRegistry;
import dev.vigil.schemas.topic.AvroSerdeFactory;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build-time compatibility gate: every released schema version kept in-tree must still be
 * readable by the current generated class, so a release never strands data already on a topic.
 */
class ReleasedSchemasCompatibilityTest {

  @Test
  void shouldReadEveryReleasedVersionWithTheCurrentSchema() throws Exception {
    // Given every released version in src/main/avro-released
    List<Released> released = ReleasedSchemas.all(ReleasedSchemas.DIRECTORY);

    // When each is checked against the current generated class of the same record
    List<String> problems = new ArrayList<>();
    for (Released version : released) {
      problems.addAll(ReleasedSchemas.problems(currentSchema(version.recordName()), version));
      problems.addAll(
          ReleasedSchemas.problems(ReleasedSchemas.fromSources(version.recordName()), version));
    }

    // Then none is incompatible
    assertThat(released).isNotEmpty();
    assertThat(problems)
        .as("schema changes that break backward compatibility with a released version")
        .isEmpty();
  }

  @Test
  void shouldHaveGeneratedClassesThatMatchTheSources() throws Exception {
    // Given every released record (the avro-maven-plugin skips records whose own file did not
    // change, so a change to a shared type such as Geo can leave them with a stale copy)
    List<String> stale = new ArrayList<>();

    // When each generated class is compared with its .avsc source in parsing canonical form
    for (Released version : ReleasedSchemas.all(ReleasedSchemas.DIRECTORY)) {
      String generated = SchemaNormalization.toParsingForm(currentSchema(version.recordName()));
      String source =
          SchemaNormalization.toParsingForm(ReleasedSchemas.fromSources(version.recordName()));
      if (!generated.equals(source)) {
        stale.add(version.recordName());
      }
    }

    // Then none differs
    assertThat(stale)
        .as("generated classes older than their sources; run 'mvn clean verify'")
        .isEmpty();
  }

  @Test
  void shouldHaveAReleasedVersionOfEveryTopicValueType() {
    // Given the Avro value types of every topic
    Set<String> valueTypes = new TreeSet<>();
    Topics topics = Topics.create("vigil", recordingFactory(valueTypes));

    // When the released record names are listed
    Set<String> releasedNames =
        ReleasedSchemas.all(ReleasedSchemas.DIRECTORY).stream()
            .map(Released::recordName)
            .collect(Collectors.toCollection(TreeSet::new));

    // Then every topic value type has at least one released version
    assertThat(topics.all()).isNotEmpty();
    assertThat(valueTypes).hasSize(15);
    assertThat(releasedNames).containsAll(valueTypes);
  }

  @Test
  void shouldCatchAFieldAddedWithoutDefault(@TempDir Path dir) throws Exception {
    // Given a released LoginEvent and a candidate that adds a field without a default
    Path file = Files.createDirectories(dir.resolve("LoginEvent")).resolve("v1.avsc");
    Files.copy(ReleasedSchemas.DIRECTORY.resolve("LoginEvent/v1.avsc"), file);
    Released v1 = ReleasedSchemas.all(dir).get(0);
    Schema candidate =
        new Schema.Parser()
            .parse(
                v1.schema()
                    .toString()
                    .replaceFirst(
                        "\"fields\":\\[", "\"fields\":[{\"name\":\"riskHint\",\"type\":\"int\"},"));

    // When the candidate is checked against the released version
    List<String> problems = ReleasedSchemas.problems(candidate, v1);

    // Then the check fails and names the record, version and field in plain words
    assertThat(problems)
        .containsExactly(
            "LoginEvent cannot read data written with released v1 ("
                + file
                + "): field 'riskHint' is missing from the writer's data and has no default");
  }

  @Test
  void shouldCatchAChangedFieldType(@TempDir Path dir) throws Exception {
    // Given a released LoginEvent and a candidate whose nested geo.asn becomes a string
    Path file = Files.createDirectories(dir.resolve("LoginEvent")).resolve("v1.avsc");
    Files.copy(ReleasedSchemas.DIRECTORY.resolve("LoginEvent/v1.avsc"), file);
    Released v1 = ReleasedSchemas.all(dir).get(0);
    Schema candidate =
        new Schema.Parser()
            .parse(
                v1.schema()
                    .toString()
                    .replace(
                        "{\"name\":\"asn\",\"type\":[\"null\",\"long\"]",
                        "{\"name\":\"asn\",\"type\":[\"null\",\"int\"]"));

    // When the candidate is checked
    List<String> problems = ReleasedSchemas.problems(candidate, v1);

    // Then the nested field is named
    assertThat(problems).hasSize(1);
    assertThat(problems.get(0)).contains("'geo.asn'");
  }

  @Test
  void shouldAcceptAFieldAddedWithDefault(@TempDir Path dir) throws Exception {
    // Given a released LoginEvent and a candidate that adds a field with a default
    Path file = Files.createDirectories(dir.resolve("LoginEvent")).resolve("v1.avsc");
    Files.copy(ReleasedSchemas.DIRECTORY.resolve("LoginEvent/v1.avsc"), file);
    Released v1 = ReleasedSchemas.all(dir).get(0);
    Schema candidate =
        new Schema.Parser()
            .parse(
                v1.schema()
                    .toString()
                    .replaceFirst(
                        "\"fields\":\\[",
                        "\"fields\":[{\"name\":\"riskHint\",\"type\":\"int\",\"default\":0},"));

    // When the candidate is checked
    // Then there is no problem
    assertThat(ReleasedSchemas.problems(candidate, v1)).isEmpty();
  }

  private static Schema currentSchema(String recordName) throws ClassNotFoundException {
    Class<?> type = Class.forName("dev.vigil.schema." + recordName);
    return SpecificData.get().getSchema(type);
  }

  /** A serde factory that records which classes the topic registry asks serdes for. */
  private static AvroSerdeFactory recordingFactory(Set<String> names) {
    var delegate =
        new RegistryAvroSerdeFactory(
            new FixedIdRegistry(1, Schema.create(Schema.Type.NULL)), Map.of());
    return new AvroSerdeFactory() {
      @Override
      public <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type) {
        names.add(type.getSimpleName());
        return delegate.valueSerde(type);
      }
    };
  }
}
