package dev.vigil.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.errors.DeadLetters;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.schema.RiskLevel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class VigilMetricsTest {

  @Test
  void shouldRegisterEveryKnownSeriesAtZeroBeforeTheFirstEvent() {
    // Given fresh meters told the sources and detectors
    VigilMetrics metrics = VigilMetrics.inMemory();
    List<String> detectors =
        dev.vigil.risk.signal.SignalFamilies.catalog(DetectorSettings.defaults()).findingIds();
    metrics.detectors(detectors);
    metrics.source("vigil.signals.login.v1", "login");

    // Then every series exists, at zero
    var registry = metrics.registry();
    for (String detector : detectors) {
      assertThat(registry.get(VigilMetrics.FINDINGS).tag("detector", detector).counter().count())
          .isZero();
    }
    for (String reason : DeadLetters.reasons()) {
      assertThat(registry.get(VigilMetrics.DLQ_RECORDS).tag("reason", reason).counter().count())
          .isZero();
    }
    for (String outcome : List.of("accepted", "invalid", "dead-lettered")) {
      assertThat(
              registry
                  .get(VigilMetrics.EVENTS)
                  .tags("source", "login", "outcome", outcome)
                  .counter()
                  .count())
          .isZero();
    }
    assertThat(
            registry
                .get(VigilMetrics.DECISIONS)
                .tags("action", "revoke_sessions", "mode", "enforce")
                .counter()
                .count())
        .isZero();
    assertThat(registry.get(VigilMetrics.ALERTS).tag("level", "critical").counter().count())
        .isZero();
    assertThat(registry.get(VigilMetrics.SUBJECTS_TRACKED).gauge().value()).isZero();
    assertThat(registry.get(VigilMetrics.POLICY_VERSION).gauge().value()).isZero();
    assertThat(registry.get(VigilMetrics.INPUT_LAG).gauge().value()).isZero();
    assertThat(registry.get(VigilMetrics.SETS_ISSUED).tag("source", "command").counter().count())
        .isZero();
    assertThat(
            registry
                .get(VigilMetrics.SET_DELIVERIES)
                .tags("method", "push", "outcome", "failed")
                .counter()
                .count())
        .isZero();
    assertThat(
            registry.get(VigilMetrics.DETECTION_LATENCY).tag("output", "command").timer().count())
        .isZero();
  }

  @Test
  void shouldCountUndecodableSignalsAsDeadLetteredEventsOfTheirSourceButNotInvalidOnesTwice() {
    // Given a declared source
    VigilMetrics metrics = VigilMetrics.inMemory();
    metrics.source("t.login", "login");

    // When one record cannot be decoded and one fails validation (then is dead-lettered)
    metrics.deadLetterUndecoded("MALFORMED", "t.login");
    metrics.event("login", VigilMetrics.INVALID);
    metrics.deadLetter("OUT_OF_RANGE", "t.login");
    metrics.deadLetterUndecoded("MALFORMED", "other.topic");

    // Then each outcome counts once and the reasons count per record
    var r = metrics.registry();
    assertThat(
            r.get(VigilMetrics.EVENTS)
                .tags("source", "login", "outcome", "dead-lettered")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(
            r.get(VigilMetrics.EVENTS)
                .tags("source", "login", "outcome", "invalid")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(metrics.total(VigilMetrics.DLQ_RECORDS)).isEqualTo(3);
  }

  @Test
  void shouldMeasureDetectionLatencyFromTheSignalAppendTime() {
    // Given a clock at t
    MockClock clock = new MockClock();
    VigilMetrics metrics = new VigilMetrics(new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock));
    long t = clock.wallTime();

    // When an alert is appended 3 s and a command 1 s after their signals, and one "before" it
    clock.add(Duration.ofSeconds(3));
    metrics.detected(VigilMetrics.OUTPUT_ALERT, t);
    metrics.detected(VigilMetrics.OUTPUT_COMMAND, t + 2_000);
    metrics.detected(VigilMetrics.OUTPUT_COMMAND, t + 60_000);

    // Then the spans are recorded, skew as zero
    Timer alert =
        metrics.registry().get(VigilMetrics.DETECTION_LATENCY).tag("output", "alert").timer();
    Timer command =
        metrics.registry().get(VigilMetrics.DETECTION_LATENCY).tag("output", "command").timer();
    assertThat(alert.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(3_000);
    assertThat(command.count()).isEqualTo(2);
    assertThat(command.max(TimeUnit.MILLISECONDS)).isEqualTo(1_000);
  }

  @Test
  void shouldExportTheRiskiestSubjectsAtMediumOrAboveOnly() {
    // Given meters
    VigilMetrics metrics = VigilMetrics.inMemory();

    // When one subject rises to high and another rises then falls back
    metrics.subjectRisk("bob", 40, RiskLevel.MEDIUM);
    metrics.subjectRisk("bob", 10, RiskLevel.LOW);
    metrics.subjectRisk("alice", 80, RiskLevel.HIGH);

    // Then only alice is exported, with her level
    var gauges = metrics.registry().find(VigilMetrics.TOP_SUBJECTS).gauges();
    assertThat(gauges).hasSize(1);
    assertThat(gauges.iterator().next().getId().getTags())
        .containsAll(Tags.of("subject", "alice", "level", "high"));
  }

  @Test
  void shouldDenyPerStoreTaskAndNodeSeriesAndNanProneStatisticsInSummaryMode() {
    // Given the summary filter
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(KafkaMetricsFilter.forDetail("summary"));

    // When Kafka-like meters are registered
    registry.gauge("kafka.stream.state.put.rate", Tags.of("rocksdb.state.id", "s"), 1.0);
    registry.gauge("kafka.stream.thread.process.total", Tags.of("thread.id", "t"), 1.0);
    registry.gauge("kafka.consumer.fetch.manager.records.lag", Tags.of("partition", "0"), 1.0);
    registry.gauge("kafka.producer.request.latency.avg", Tags.empty(), Double.NaN);
    registry.gauge("kafka.consumer.fetch.manager.records.lag.max", Tags.empty(), 3.0);
    registry.gauge("vigil.some.avg", Tags.empty(), 1.0);

    // Then thread-level totals and non-Kafka meters remain
    assertThat(registry.getMeters().stream().map(m -> m.getId().getName()))
        .containsExactlyInAnyOrder("kafka.stream.thread.process.total", "vigil.some.avg");
  }

  @Test
  void shouldKeepEveryKafkaSeriesInAllModeAndDropNanSamplesFromTheScrape() {
    // Given the "all" filter and a NaN gauge
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(KafkaMetricsFilter.forDetail("all"));
    Gauge.builder("kafka.producer.request.latency.avg", () -> Double.NaN).register(registry);
    Gauge.builder("kafka.stream.state.put.rate", () -> 2.0)
        .tag("rocksdb.state.id", "s")
        .register(registry);

    // When scraped without NaN
    String scrape = VigilMetrics.withoutNaN(registry.scrape());

    // Then the per-store series is there and the NaN sample is not
    assertThat(scrape).contains("kafka_stream_state_put_rate{rocksdb_state_id=\"s\"} 2.0");
    assertThat(scrape).doesNotContain("NaN");
    assertThat(registry.scrape()).contains("NaN");
  }
}
