package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.dev.demo.GeneratedEventSender;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.dev.registry.InProcessSchemaRegistry;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schemas.topic.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /metrics} of a running instance: trimmed Kafka metrics, JVM metrics and every Vigil meter
 * present from start, counting once traffic flows, and every metric the Grafana dashboards query.
 */
@Tag("integration")
@Timeout(300)
class MetricsIntegrationTest {

  private static final int MAX_SCRAPE_BYTES = 200 * 1024;
  private static KafkaBroker broker;
  private static InProcessSchemaRegistry registry;

  @TempDir Path stateDir;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void startBroker() {
    broker = KafkaBrokers.start();
    registry = InProcessSchemaRegistry.start(0);
  }

  @AfterAll
  static void stopBroker() {
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldExportEveryMeterFromStartAndCountTrafficInATrimmedNanFreeScrape() throws Exception {
    // Given a running instance
    String unique = UUID.randomUUID().toString().substring(0, 8);
    VigilConfig config =
        VigilConfig.defaults()
            .with("bootstrap.servers", broker.bootstrapServers(), "test")
            .with("schema.registry.url", registry.url(), "test")
            .with("topic.prefix", "itmetrics" + unique, "test")
            .with("application.id", "vigil-it-metrics-" + unique, "test")
            .with("state.dir", stateDir.toString(), "test")
            .with("commit.interval.ms", "100", "test")
            .with("http.port", "0", "test")
            // Scraped without a token, as Prometheus does with http.auth.open.endpoints.
            .with("http.auth.open.endpoints", "ready,metrics,jwks", "test")
            .with("replication.factor", "1", "test");
    Topics topics = VigilApplication.topics(config);
    try (TopicAdmin admin = new TopicAdmin(config.clientProperties(), Duration.ofSeconds(30))) {
      admin.createAll(topics, 2, (short) 1);
    }
    try (VigilApplication app = new VigilApplication(config)) {
      app.start(Duration.ofSeconds(60));
      int port = app.httpPort();

      // When it is scraped right after start
      String atStart = scrape(port);
      Files.writeString(Path.of("target", "metrics-at-start.txt"), atStart);

      // Then every Vigil meter and every dashboard metric is there already, at zero
      Scrape first = new Scrape(atStart);
      assertThat(first.names()).containsAll(MetricNames.required());
      // (the riskiest-subjects gauge has one series per subject at risk, so none before traffic)
      Set<String> dashboardMetrics = new java.util.TreeSet<>(DashboardQueries.metricNames());
      dashboardMetrics.remove("vigil_risk_top_subjects");
      assertThat(first.names()).containsAll(dashboardMetrics);
      for (String detector :
          dev.vigil.risk.signal.SignalFamilies.catalog(DetectorSettings.defaults()).findingIds()) {
        assertThat(first.value("vigil_findings_total", "detector", detector))
            .as("findings of %s", detector)
            .isZero();
      }
      assertThat(first.value("vigil_dlq_records_total", "reason", "MALFORMED")).isZero();
      assertThat(first.value("vigil_events_total", "outcome", "accepted")).isZero();
      assertThat(atStart).doesNotContain("NaN");
      assertThat(atStart.getBytes(StandardCharsets.UTF_8).length).isLessThan(MAX_SCRAPE_BYTES);

      // When generated traffic with attacks flows, stamped with the current time
      Instant now = Instant.now();
      TrafficGenerator generator =
          new TrafficGenerator(
              new GeneratorSettings(
                  7L, 60, 12, now, 30.0, Duration.ofSeconds(5), Duration.ofSeconds(5)));
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              Map.of("bootstrap.servers", broker.bootstrapServers()),
              new ByteArraySerializer(),
              new ByteArraySerializer())) {
        GeneratedEventSender sender = new GeneratedEventSender(producer, topics);
        sender.send(generator.referenceData().stream());
        sender.send(generator.events(Duration.ofSeconds(60)));
        // And one sign-in that is not Avro at all
        producer.send(
            new ProducerRecord<>(
                topics.login().name(),
                "mallory".getBytes(StandardCharsets.UTF_8),
                "not avro".getBytes(StandardCharsets.UTF_8)));
        producer.flush();
      }

      // Then the counters move, the detection latency is measured and the risk store is counted
      await()
          .alias("alerts with a measured detection latency")
          .atMost(Duration.ofSeconds(150))
          .pollInterval(Duration.ofSeconds(1))
          .until(
              () -> {
                String text = scrape(port);
                Files.writeString(Path.of("target", "metrics-last-poll.txt"), text);
                Scrape s = new Scrape(text);
                return s.sum("vigil_detection_latency_seconds_count") > 0
                    && s.sum("vigil_subjects_tracked") > 0
                    && s.sum("vigil_decisions_total") > 0
                    && s.value("vigil_dlq_records_total", "reason", "MALFORMED") > 0
                    && s.names().contains("vigil_risk_top_subjects");
              });
      String after = scrape(port);
      Files.writeString(Path.of("target", "metrics-after-traffic.txt"), after);
      Scrape second = new Scrape(after);
      assertThat(second.value("vigil_events_total", "outcome", "accepted")).isPositive();
      assertThat(second.sum("vigil_findings_total")).isPositive();
      assertThat(second.value("vigil_dlq_records_total", "reason", "MALFORMED")).isEqualTo(1);
      assertThat(second.value("vigil_events_total", "outcome", "dead-lettered")).isEqualTo(1);
      assertThat(second.sum("vigil_risk_top_subjects")).isPositive();
      assertThat(second.sum("vigil_alerts_total")).isPositive();
      assertThat(second.value("vigil_policy_version", null, null)).isNotNegative();
      assertThat(second.sum("kafka_stream_thread_process_total")).isPositive();
      assertThat(second.sum("jvm_memory_used_bytes")).isPositive();
      assertThat(second.names()).containsAll(DashboardQueries.metricNames());
      assertThat(after).doesNotContain("NaN");
      assertThat(after.getBytes(StandardCharsets.UTF_8).length).isLessThan(MAX_SCRAPE_BYTES);
    }
  }

  private String scrape(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  /** The Prometheus names the issue and the operations guide promise, with their suffixes. */
  static final class MetricNames {
    static Set<String> required() {
      return Set.copyOf(
          List.of(
              "vigil_events_total",
              "vigil_findings_total",
              "vigil_decisions_total",
              "vigil_alerts_total",
              "vigil_dlq_records_total",
              "vigil_subjects_tracked",
              "vigil_input_lag",
              "vigil_policy_version",
              "vigil_policy_rejected_total",
              "vigil_sets_issued_total",
              "vigil_sets_deliveries_total",
              "vigil_grants_stale_total",
              "vigil_detection_latency_seconds_bucket",
              "vigil_detection_latency_seconds_count",
              "vigil_detection_latency_seconds_max",
              "jvm_memory_used_bytes",
              "jvm_gc_live_data_size_bytes",
              "jvm_threads_live_threads",
              "jvm_classes_loaded_classes",
              "process_cpu_usage",
              "process_uptime_seconds",
              "kafka_stream_thread_process_total"));
    }
  }
}
