package dev.vigil.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.testing.FixedIdRegistry;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The typed topic registry: names, uniqueness and layout. */
class TopicsTest {

  private static final AvroSerdeFactory SERDES =
      new RegistryAvroSerdeFactory(
          new FixedIdRegistry(1, Schema.create(Schema.Type.NULL)), Map.of());

  @Test
  void shouldNameEveryTopicPrefixDotNameDotV1() {
    // Given a registry with a custom prefix
    Topics topics = Topics.create("acme-prod", SERDES);

    // When the names are listed
    List<String> names = topics.all().stream().map(Topic::name).toList();

    // Then each is <prefix>.<name>.v1 and the login topic is where the design says
    assertThat(names).allMatch(n -> n.matches("acme-prod\\.[a-z.-]+\\.v1"));
    assertThat(topics.login().name()).isEqualTo("acme-prod.signals.login.v1");
    assertThat(Topics.create(Topics.DEFAULT_PREFIX, SERDES).deadLetters().name())
        .isEqualTo("vigil.dlq.v1");
  }

  @Test
  void shouldHaveUniqueNames() {
    // Given the default registry
    Topics topics = Topics.create("vigil", SERDES);

    // When the names are listed
    List<String> names = topics.all().stream().map(Topic::name).toList();

    // Then none repeats
    assertThat(names).doesNotHaveDuplicates().hasSize(26);
  }

  @Test
  void shouldHaveARawTopicPerBuiltInFormatAndRefuseBadFormatNames() {
    // Given the default registry
    Topics topics = Topics.create("vigil", SERDES);

    // When the raw topics are listed
    List<String> raw = topics.raw().stream().map(Topic::name).toList();

    // Then each built-in format has one, inputs come first, and other names are checked
    assertThat(raw)
        .containsExactly(
            "vigil.raw.windows-security.v1",
            "vigil.raw.okta.v1",
            "vigil.raw.entra-signin.v1",
            "vigil.raw.zeek-conn.v1",
            "vigil.raw.ocsf.v1",
            "vigil.raw.cloudtrail.v1");
    assertThat(topics.all().subList(0, 6)).containsExactlyElementsOf(topics.raw());
    assertThat(topics.raw("okta")).isSameAs(topics.raw().get(1));
    assertThat(topics.raw("my-vpn").name()).isEqualTo("vigil.raw.my-vpn.v1");
    assertThatThrownBy(() -> topics.raw("My VPN"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Format name 'My VPN' is not valid: use lower-case letters, digits, '-' or '_'.");
  }

  @Test
  void shouldCompactTablesOnly() {
    // Given the default registry
    Topics topics = Topics.create("vigil", SERDES);

    // When the compacted topics are listed
    List<String> compacted =
        topics.all().stream().filter(t -> t.spec().compacted()).map(Topic::name).toList();

    // Then they are exactly scores, the reference tables and the SSF streams and positions
    assertThat(compacted)
        .containsExactlyInAnyOrder(
            "vigil.ssf.streams.v1",
            "vigil.ssf.positions.v1",
            "vigil.risk.scores.v1",
            "vigil.reference.policy.v1",
            "vigil.reference.threat-intel.v1",
            "vigil.reference.service-edges.v1",
            "vigil.reference.subjects.v1",
            "vigil.reference.networks.v1");
    assertThat(topics.scores().spec().configs()).containsEntry("cleanup.policy", "compact");
    assertThat(topics.login().spec().configs()).containsEntry("cleanup.policy", "delete");
  }

  @Test
  void shouldRefuseAnInvalidPrefixInOneSentence() {
    // Given prefixes with a space, nothing, or no value
    // When registries are created
    // Then each is refused with a sentence naming the prefix
    assertThatThrownBy(() -> Topics.create("bad prefix", SERDES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Topic prefix 'bad prefix' is not valid: use 1-100 letters, digits, '.', '_' or '-'.");
    assertThatThrownBy(() -> Topics.create("", SERDES))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Topics.create(null, SERDES))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldListTheRawTopicOfAMappingFileFormatOnceAskedFor() {
    // Given the default registry
    Topics topics = Topics.create("vigil", SERDES);
    int before = topics.all().size();

    // When the raw topic of a mapping file's format is asked for, twice
    Topic<byte[], byte[]> vpn = topics.raw("acme-vpn");

    // Then it is the same topic each time and every topic listing includes it once, after the
    // built-in formats' raw topics
    assertThat(topics.raw("acme-vpn")).isSameAs(vpn);
    assertThat(topics.all()).hasSize(before + 1).contains(vpn);
    assertThat(topics.all().indexOf(vpn)).isEqualTo(topics.raw().size());
  }
}
