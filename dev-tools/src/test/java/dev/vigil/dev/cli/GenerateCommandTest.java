package dev.vigil.dev.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.cli.VigilCli;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.embedded.EmbeddedKafkaBroker;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void shouldRejectABadRateOrUserCountWithExitTwo() {
    // When / Then
    assertThat(devCli("generate", "--rate", "0")).isEqualTo(VigilCli.USAGE);
    assertThat(err.toString()).contains("--rate must be between 0 (exclusive) and 100000.");
    assertThat(devCli("generate", "--users", "10")).isEqualTo(VigilCli.USAGE);
    assertThat(err.toString()).contains("--users must be at least 50.");
  }

  @Test
  @Tag("integration")
  @Timeout(180)
  void shouldSendSignalsStampedWithTheCurrentTimeToTheConfiguredCluster(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder()
                .port(0)
                .dataDir(dir)
                .startTimeout(Duration.ofSeconds(90))
                .build()
                .start();
        InProcessSchemaRegistry registry = InProcessSchemaRegistry.start(0)) {
      // Given the topics on a broker
      VigilConfig config =
          VigilConfig.defaults()
              .with("bootstrap.servers", broker.bootstrapServers(), "test")
              .with("schema.registry.url", registry.url(), "test")
              .with("topic.prefix", "gen", "test");
      Topics topics = VigilApplication.topics(config);
      try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
        admin.createAll(topics, 1, (short) 1);
      }
      Instant before = Instant.now();

      // When the generator runs for two seconds
      int code =
          devCli(
              "--bootstrap-servers",
              broker.bootstrapServers(),
              "--topic-prefix",
              "gen",
              "--set",
              "schema.registry.url=" + registry.url(),
              "generate",
              "--rate",
              "200",
              "--users",
              "50",
              "--duration",
              "2");

      // Then it succeeds and the login topic holds records stamped from now on
      assertThat(code).as(err.toString()).isZero();
      assertThat(out.toString()).containsPattern("[1-9][0-9]* events sent");
      List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers",
                  broker.bootstrapServers(),
                  "group.id",
                  "gen-check",
                  "auto.offset.reset",
                  "earliest"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topics.login().name()));
        org.awaitility.Awaitility.await()
            .alias("generated sign-ins on the login topic")
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                  return !records.isEmpty();
                });
      }
      assertThat(records)
          .allSatisfy(
              r -> assertThat(r.timestamp()).isGreaterThanOrEqualTo(before.toEpochMilli() - 1_000));
    }
  }

  private int devCli(String... args) {
    return VigilCli.execute(
        Map.of(),
        List.of(new DemoCommand(), new BenchCommand(), new GenerateCommand()),
        new PrintWriter(out, true),
        new PrintWriter(err, true),
        args);
  }
}
