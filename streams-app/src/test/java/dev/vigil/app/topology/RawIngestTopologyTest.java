package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.ingest.Formats;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw-topic ingest stage under a TopologyTestDriver. */
class RawIngestTopologyTest {

  private static final String TGT =
      "{\"EventID\":4768,\"Channel\":\"Security\",\"Hostname\":\"MORDORDC.theshire.local\","
          + "\"RecordNumber\":1950060,\"@timestamp\":\"2020-09-22T02:39:14.736Z\","
          + "\"TargetUserName\":\"pgustavo\",\"TargetDomainName\":\"theshire.local\","
          + "\"IpAddress\":\"::ffff:172.18.39.6\",\"Status\":\"0x0\",\"ServiceName\":\"krbtgt\","
          + "\"TicketEncryptionType\":\"0x17\",\"PreAuthType\":\"2\"}";

  @TempDir Path stateDir;

  private TopologyFixture fixture;
  private Topics topics;
  private TopologyTestDriver driver;

  @BeforeEach
  void setUp() {
    // The production topology (the raw stage runs every built-in format by default), its wall
    // clock at the time of the recorded events.
    fixture =
        TopologyFixture.builder(stateDir, Instant.parse("2020-09-22T02:40:00Z"))
            .set("topic.prefix", "test")
            .build();
    topics = fixture.topics;
    driver = fixture.driver;
  }

  @AfterEach
  void tearDown() {
    fixture.close();
  }

  private TestInputTopic<byte[], byte[]> raw(String format) {
    return driver.createInputTopic(
        topics.raw(format).name(),
        topics.raw(format).keySerde().serializer(),
        topics.raw(format).valueSerde().serializer());
  }

  @Test
  void shouldMapRawWindowsEventsToLoginSignalsKeyedBySubject() {
    // Given a raw 4768 event as Winlogbeat/NXLog ships it
    // When it arrives on the raw windows-security topic
    raw("windows-security").pipeInput(null, TGT.getBytes(StandardCharsets.UTF_8));

    // Then one login signal is on the login topic, keyed by the subject, at the event's time
    List<TestRecord<String, LoginEvent>> out =
        driver
            .createOutputTopic(
                topics.login().name(),
                topics.login().keySerde().deserializer(),
                topics.login().valueSerde().deserializer())
            .readRecordsToList();
    assertThat(out).hasSize(1);
    assertThat(out.get(0).key()).isEqualTo("pgustavo");
    assertThat(out.get(0).timestamp()).isEqualTo(1600742354736L);
    assertThat(out.get(0).value().getKind()).isEqualTo(LoginKind.TGT_REQUEST);
    assertThat(out.get(0).value().getTicketEncryption()).isEqualTo("RC4_HMAC");
  }

  @Test
  void shouldDeadLetterRejectedRecordsWithTheMappingReasonAndDropIgnoredOnes() {
    // Given a record without a user, a record that is not JSON and an event type not covered
    String noUser = TGT.replace("\"TargetUserName\":\"pgustavo\",", "");
    TestInputTopic<byte[], byte[]> input = raw("windows-security");

    // When they arrive
    input.pipeInput(null, noUser.getBytes(StandardCharsets.UTF_8));
    input.pipeInput(null, "{not json".getBytes(StandardCharsets.UTF_8));
    input.pipeInput(
        null,
        "{\"EventID\":4658,\"Channel\":\"security\",\"@timestamp\":\"2020-09-22T02:39:14Z\"}"
            .getBytes(StandardCharsets.UTF_8));

    // Then the two rejected ones are dead-lettered unchanged with their reasons, the other dropped
    List<TestRecord<byte[], byte[]>> dlq =
        driver
            .createOutputTopic(
                topics.deadLetters().name(),
                topics.deadLetters().keySerde().deserializer(),
                topics.deadLetters().valueSerde().deserializer())
            .readRecordsToList();
    assertThat(dlq).hasSize(2);
    assertThat(new String(dlq.get(0).value(), StandardCharsets.UTF_8)).isEqualTo(noUser);
    assertThat(header(dlq.get(0), DeadLetters.HEADER_REASON)).isEqualTo("UNMAPPABLE");
    assertThat(header(dlq.get(0), DeadLetters.HEADER_INGEST_REASON))
        .isEqualTo("missing-field:TargetUserName");
    assertThat(header(dlq.get(1), DeadLetters.HEADER_INGEST_REASON)).isEqualTo("bad-json");
    assertThat(header(dlq.get(1), DeadLetters.HEADER_TOPIC))
        .isEqualTo("test.raw.windows-security.v1");
    assertThat(
            driver
                .createOutputTopic(
                    topics.login().name(),
                    topics.login().keySerde().deserializer(),
                    topics.login().valueSerde().deserializer())
                .isEmpty())
        .isTrue();
  }

  @Test
  void shouldNameEveryRawIngestNode() {
    // Given the topology description
    StreamsBuilder builder = new StreamsBuilder();
    RawIngestTopology.add(builder, topics, Formats.all());
    String nodes = builder.build().describe().toString();

    // Then sources, mapping stages and sinks carry their names, none generated
    assertThat(nodes)
        .contains(
            "raw-windows-security-source",
            "raw-okta-map",
            "raw-login-sink",
            "raw-network-flow-sink")
        .doesNotContain("KSTREAM-");
  }

  private static String header(TestRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
