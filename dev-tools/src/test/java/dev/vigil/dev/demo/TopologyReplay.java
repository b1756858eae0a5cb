package dev.vigil.dev.demo;

import dev.vigil.app.cli.Observation;
import dev.vigil.app.topology.TopologyFixture;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The demo's traffic through the production topology under a test driver: a week of history
 * processed at a simulated rate, then live traffic with the wall clock following event time, and
 * the scorecard computed from the alerts and decisions the topology wrote, as {@code vigil demo}
 * computes it from the broker.
 */
final class TopologyReplay implements AutoCloseable {

  /**
   * What the replay produced.
   *
   * @param scorecard the scorecard
   * @param findingsByDetector findings per detector id, history included
   * @param historyEvents history events replayed
   * @param liveEvents live events replayed
   * @param alerts every alert shown, in emission order
   */
  record Result(
      Scorecard scorecard,
      Map<String, Integer> findingsByDetector,
      long historyEvents,
      long liveEvents,
      List<RiskAlert> alerts) {}

  private static final Duration SHOWN_BEFORE_LIVE = Duration.ofSeconds(60);
  private static final double HISTORY_RATE = 1_500;

  private final GeneratorSettings settings;
  private final TopologyFixture vigil;
  private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new TreeMap<>();
  private final TestOutputTopic<String, RiskAlert> alerts;
  private final TestOutputTopic<String, EnforcementCommand> audit;
  private final TestOutputTopic<String, RiskFinding> findings;
  private final List<Observation> observations = new ArrayList<>();
  private final List<RiskAlert> shown = new ArrayList<>();
  private final Map<String, Integer> findingsByDetector = new TreeMap<>();
  private long wallMillis;

  TopologyReplay(GeneratorSettings settings, Path stateDir, Map<String, String> overrides) {
    this.settings = settings;
    TopologyFixture.Builder builder = TopologyFixture.builder(stateDir, settings.start());
    // The demo's own settings: decay every 2 s.
    builder.set("decay.interval", "2s");
    overrides.forEach(builder::set);
    this.vigil = builder.build();
    GeneratedEventSender.topicsByStream(vigil.topics)
        .forEach((stream, topic) -> inputs.put(stream, input(topic)));
    this.alerts = vigil.output(vigil.topics.alerts());
    this.audit = vigil.output(vigil.topics.audit());
    this.findings = vigil.output(vigil.topics.findings());
  }

  @SuppressWarnings("unchecked")
  private TestInputTopic<String, SpecificRecord> input(Topic<String, ?> topic) {
    return vigil.input((Topic<String, SpecificRecord>) topic);
  }

  Result run(Duration history, Duration live) {
    TrafficGenerator generator = new TrafficGenerator(settings);
    long start = settings.start().toEpochMilli();
    wallMillis = start;
    generator.referenceData().forEach(this::pipe);
    long[] historyCount = {0};
    double perEventMillis = 1000.0 / HISTORY_RATE;
    generator
        .history(history)
        .forEach(
            e -> {
              historyCount[0]++;
              pipe(e);
              if (historyCount[0] % 500 == 0) {
                advanceWall(start + Math.round(historyCount[0] * perEventMillis));
              }
            });
    advanceWall(start + Math.round(historyCount[0] * perEventMillis));
    long liveWallStart = wallMillis;
    long[] liveCount = {0};
    generator
        .events(live)
        .forEach(
            e -> {
              liveCount[0]++;
              advanceWall(liveWallStart + (e.timestamp().toEpochMilli() - start));
              pipe(e);
            });
    advanceWall(liveWallStart + live.toMillis() + 10_000);
    Scorecard card =
        Scorecard.compute(
            generator.labels(),
            observations,
            at -> liveWallStart + Duration.between(settings.start(), at).toMillis());
    return new Result(card, findingsByDetector, historyCount[0], liveCount[0], List.copyOf(shown));
  }

  private void pipe(GeneratedEvent e) {
    inputs.get(e.stream()).pipeInput(new TestRecord<>(e.key(), e.value(), e.timestamp()));
    collect();
  }

  private void advanceWall(long to) {
    if (to > wallMillis) {
      vigil.driver.advanceWallClockTime(Duration.ofMillis(to - wallMillis));
      wallMillis = to;
      collect();
    }
  }

  /** Reads what the topology wrote since the last call, stamped with the simulated wall clock. */
  private void collect() {
    Instant shownFrom = settings.start().minus(SHOWN_BEFORE_LIVE);
    while (!findings.isEmpty()) {
      findingsByDetector.merge(findings.readValue().getDetectorId(), 1, Integer::sum);
    }
    while (!alerts.isEmpty()) {
      TestRecord<String, RiskAlert> r = alerts.readRecord();
      if (!r.value().getTimestamp().isBefore(shownFrom)) {
        shown.add(r.value());
        observations.add(new Observation(Observation.Kind.ALERT, r.key(), r.value(), wallMillis));
      }
    }
    while (!audit.isEmpty()) {
      TestRecord<String, EnforcementCommand> r = audit.readRecord();
      if (!r.value().getIssuedAt().isBefore(shownFrom)) {
        observations.add(new Observation(Observation.Kind.AUDIT, r.key(), r.value(), wallMillis));
      }
    }
  }

  @Override
  public void close() {
    vigil.close();
  }
}
