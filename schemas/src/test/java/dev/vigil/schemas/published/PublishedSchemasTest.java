package dev.vigil.schemas.published;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schemas.serde.ConfluentAvroSerde;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.testing.FixedIdRegistry;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;

/** The published .avsc files as shipped in the jar, and their references. */
class PublishedSchemasTest {

  private static final Path AVRO = Path.of("src", "main", "avro");

  @Test
  void shouldShipEveryTopicValueSchemaEncodingLikeItsGeneratedClass() {
    // Given the topic registry
    Topics topics =
        Topics.create(
            "vigil",
            new RegistryAvroSerdeFactory(
                new FixedIdRegistry(1, LoginEvent.getClassSchema()), Map.of()));

    // When each Avro value class's published file is loaded
    // Then there is one, and it encodes exactly like the generated class
    for (Topic<?, ?> topic : topics.all()) {
      if (topic.valueSerde() instanceof ConfluentAvroSerde<?> serde) {
        var generated = serde.serializer().schema();
        PublishedSchema published = PublishedSchemas.forType(generated.getFullName()).orElseThrow();
        assertThat(SchemaNormalization.parsingFingerprint64(published.schema()))
            .as(generated.getFullName())
            .isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
        assertThat(published.text()).doesNotContain("avro.java.string");
      }
    }
  }

  @Test
  void shouldListExactlyTheCommonTypeFiles() throws IOException {
    // Given the files under common/
    try (Stream<Path> files = Files.list(AVRO.resolve("common"))) {
      var names =
          files
              .map(f -> f.getFileName().toString().replace(".avsc", ""))
              .map(n -> PublishedSchemas.NAMESPACE + "." + n)
              .toList();

      // When the common types are listed
      // Then they are the same set
      assertThat(PublishedSchemas.commonTypes()).containsExactlyInAnyOrderElementsOf(names);
    }
  }

  @Test
  void shouldReferenceTheCommonTypesAFileNamesInOrderOfFirstUse() throws IOException {
    // Given LoginEvent.avsc, which names SubjectType, Geo and UserAgent
    // When it is loaded
    PublishedSchema login =
        PublishedSchemas.forType(LoginEvent.getClassSchema().getFullName()).orElseThrow();

    // Then its text is the file's and its references are those types, in order
    assertThat(login.text()).isEqualTo(Files.readString(AVRO.resolve("LoginEvent.avsc")));
    assertThat(login.references())
        .containsExactly(
            "dev.vigil.schema.SubjectType", "dev.vigil.schema.Geo", "dev.vigil.schema.UserAgent");
    assertThat(
            PublishedSchemas.forType(Geo.getClassSchema().getFullName()).orElseThrow().references())
        .isEmpty();
    assertThat(PublishedSchemas.forType("dev.vigil.schema.NoSuchType")).isEmpty();
    assertThat(PublishedSchemas.forType("other.Type")).isEmpty();
  }
}
