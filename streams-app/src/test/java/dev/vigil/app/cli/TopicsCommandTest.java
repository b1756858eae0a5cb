package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import dev.vigil.schemas.topic.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code vigil topics create} and {@code list} work on. */
class TopicsCommandTest {

  @TempDir Path dir;

  @Test
  void shouldCreateTheRawTopicsOfConfiguredMappingFilesBesideTheBuiltInOnes() throws Exception {
    // Given a mapping file configured for the raw-topic stage
    Path mapping =
        Files.writeString(
            dir.resolve("vpn.yaml"),
            """
            format: acme-vpn
            rules:
              - signal: login
                fields:
                  timestamp: { path: ts, time: epoch-seconds }
                  subjectId: user
                  authMethod: { const: PASSWORD }
                  outcome: { const: SUCCESS }
            """);
    VigilConfig config =
        VigilConfig.defaults()
            .with("topic.prefix", "acme", "test")
            .with("ingest.raw.mappings", mapping.toString(), "test");

    // When the topics to create are listed
    var names = TopicsCommand.registry(config).all().stream().map(Topic::name).toList();

    // Then the mapping's raw topic is among them, after the built-in formats' ones
    assertThat(names)
        .contains("acme.raw.windows-security.v1", "acme.raw.acme-vpn.v1", "acme.signals.login.v1");
    assertThat(names.indexOf("acme.raw.acme-vpn.v1"))
        .isGreaterThan(names.indexOf("acme.raw.cloudtrail.v1"));
  }

  @Test
  void shouldNameTheSettingWhenAConfiguredMappingFileIsMissing() {
    // Given a mapping file that does not exist
    VigilConfig config =
        VigilConfig.defaults()
            .with("ingest.raw.mappings", dir.resolve("nope.yaml").toString(), "test");

    // When the topics to create are listed, then the setting is named in one sentence
    assertThatThrownBy(() -> TopicsCommand.registry(config))
        .isInstanceOf(VigilConfigException.class)
        .hasMessageStartingWith("Setting 'ingest.raw.*': ")
        .hasMessageContaining("nope.yaml");
  }
}
