package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input never stops the pipeline, on the production defaults of {@link TopologyFixture} (the
 * production configuration): an oversized record and events stamped far from the wall clock are
 * dead-lettered and valid records around them are scored.
 */
class ReliabilityTopologyTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

  @TempDir Path stateDir;
  private VigilMetrics metrics;
  private Topics topics;
  private TopologyTestDriver driver;
  private TestInputTopic<String, LoginEvent> logins;
  private TestOutputTopic<String, RiskAlert> alerts;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void setUp() {
    // Under exactly-once the test driver drops dead letters returned by the deserialization
    // handler (they are committed on a real broker: see the poison-pill integration test).
    TopologyFixture fixture =
        TopologyFixture.builder(stateDir, T0).set("processing.guarantee", "at_least_once").build();
    topics = fixture.topics;
    metrics = fixture.metrics;
    driver = fixture.driver;
    logins =
        driver.createInputTopic(
            topics.login().name(),
            topics.login().keySerde().serializer(),
            topics.login().valueSerde().serializer());
    alerts =
        driver.createOutputTopic(
            topics.alerts().name(),
            topics.alerts().keySerde().deserializer(),
            topics.alerts().valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetters().name(),
            topics.deadLetters().keySerde().deserializer(),
            topics.deadLetters().valueSerde().deserializer());
  }

  @AfterEach
  void tearDown() {
    driver.close();
  }

  private void login(LoginEvent e) {
    logins.pipeInput(e.getSubjectId(), e, e.getTimestamp());
  }

  /** Berlin, then Sydney half an hour later: one alert for the subject. */
  private void impossibleTravel(String subject) {
    login(Signals.login(subject + "-1", subject, T0.minusSeconds(1800), Signals.berlin(), "s-1"));
    login(Signals.login(subject + "-2", subject, T0, Signals.sydney(), "s-2"));
  }

  @Test
  void shouldTruncateAnOversizedRecordSoItFitsTheDeadLetterTopic() {
    // Given a 2 MiB record, more than the producer may send in one request
    byte[] huge = new byte[2 * 1024 * 1024];
    huge[0] = 0;
    driver
        .createInputTopic(topics.login().name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput("mallory", huge, T0);

    // When valid sign-ins follow
    impossibleTravel("erin");

    // Then the dead letter holds the first 64 KiB, says so, and names the original size
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).value()).hasSize(DeadLetters.DEFAULT_MAX_VALUE_BYTES);
    assertThat(header(dead.get(0).headers(), DeadLetters.HEADER_REASON)).isEqualTo("OVERSIZED");
    assertThat(header(dead.get(0).headers(), DeadLetters.HEADER_TRUNCATED)).isEqualTo("true");
    assertThat(header(dead.get(0).headers(), DeadLetters.HEADER_ORIGINAL_SIZE))
        .isEqualTo(Integer.toString(huge.length));
    // And the records after it were scored
    assertThat(alerts.readValuesToList())
        .extracting(RiskAlert::getSubjectId)
        .containsExactly("erin");
  }

  @Test
  void shouldDeadLetterEventsStampedFarAheadOrBehindAndKeepThemOutOfBaselines() {
    // Given sign-ins for erin stamped ten years ahead (from Sydney) and ten years back
    Instant future = T0.plus(Duration.ofDays(3650));
    Instant past = T0.minus(Duration.ofDays(3650));
    login(Signals.login("f-1", "erin", future, Signals.sydney(), "s-f"));
    login(Signals.login("p-1", "erin", past, Signals.sydney(), "s-p"));
    // And one just inside the accepted future skew
    login(Signals.login("ok-0", "frank", T0.plusSeconds(120), Signals.berlin(), "s-0"));

    // When her real sign-ins follow: Berlin, then Sydney half an hour later
    impossibleTravel("erin");

    // Then both out-of-range events are dead-lettered with their reason, and counted
    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead)
        .extracting(r -> header(r.headers(), DeadLetters.HEADER_REASON))
        .containsExactly(DeadLetters.TIMESTAMP_OUT_OF_RANGE, DeadLetters.TIMESTAMP_OUT_OF_RANGE);
    assertThat(header(dead.get(0).headers(), DeadLetters.HEADER_DETAIL))
        .contains("ahead of the wall clock");
    assertThat(header(dead.get(1).headers(), DeadLetters.HEADER_DETAIL))
        .contains("before the wall clock");
    assertThat(metrics.total("vigil.dlq.records")).isEqualTo(2);
    // And the future Sydney sign-in did not teach her baseline: the real travel still alerts once
    assertThat(alerts.readValuesToList())
        .extracting(RiskAlert::getSubjectId)
        .containsExactly("erin");
  }

  private static String header(Headers headers, String name) {
    assertThat(headers.lastHeader(name)).as(name).isNotNull();
    return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
