package dev.vigil.dev.demo;

import dev.vigil.app.cli.Observation;
import dev.vigil.app.topology.TopologyFixture;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.Persona;
import dev.vigil.dev.demo.generator.ScenarioLabel;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schemas.topic.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A benign-rate measurement: an independent population (people on several continents with their
 * working styles, service accounts, workloads) through the production topology under a test driver,
 * with the production configuration and policy. History at natural rates first, then a live period
 * (whole days) with the population attack library spread over it; the result counts the benign
 * people raised to medium or above during the live period and the attacks detected.
 */
final class PopulationReplay implements AutoCloseable {

  /** Live-period spacing of the twelve attacks: the first one hour in, then every 110 minutes. */
  static final Duration FIRST_ATTACK = Duration.ofHours(1);

  static final Duration ATTACK_SPACING = Duration.ofMinutes(110);

  private static final double HISTORY_RATE = 2_000;

  /**
   * What one seed's run produced.
   *
   * @param seed the seed
   * @param people humans plus service accounts
   * @param liveDays length of the live period in days
   * @param historyEvents history events replayed
   * @param liveEvents live events replayed
   * @param benignPeople benign people (humans and service accounts) alerted at medium or above
   * @param benignOther other benign subjects (devices, workloads) alerted at medium or above
   * @param scorecard attack detection
   * @param benignAlerts the medium-or-above alerts on benign people, one line each
   * @param findingsByDetector live findings per detector
   * @param profiles benign people alerted per working style
   */
  record Result(
      long seed,
      int people,
      double liveDays,
      long historyEvents,
      long liveEvents,
      Set<String> benignPeople,
      Set<String> benignOther,
      Scorecard scorecard,
      List<String> benignAlerts,
      Map<String, Integer> findingsByDetector,
      Map<String, Integer> profiles) {

    /** Benign people at medium or above per 1,000 people per day. */
    double benignPerThousandPerDay() {
      return benignPeople.size() * 1000.0 / people / liveDays;
    }

    String describe() {
      return String.format(
              Locale.ROOT,
              "seed %d: %d people, %,d history + %,d live events; benign people at medium+ in"
                  + " %.1f live day(s): %d = %.2f per 1,000 per day (by style %s); other benign"
                  + " subjects %d; attacks detected %d of %d%n",
              seed,
              people,
              historyEvents,
              liveEvents,
              liveDays,
              benignPeople.size(),
              benignPerThousandPerDay(),
              profiles,
              benignOther.size(),
              scorecard.detectedCount(),
              scorecard.scenarios().size())
          + scorecard.toText()
          + "live findings: "
          + findingsByDetector
          + "\nbenign alerts:\n"
          + String.join("\n", benignAlerts)
          + "\n";
    }
  }

  private final GeneratorSettings settings;
  private final TopologyFixture vigil;
  private final Map<String, TestInputTopic<String, SpecificRecord>> inputs = new TreeMap<>();
  private final TestOutputTopic<String, RiskAlert> alerts;
  private final TestOutputTopic<String, EnforcementCommand> audit;
  private final TestOutputTopic<String, RiskFinding> findings;
  private final List<Observation> observations = new ArrayList<>();
  private final Map<String, Integer> findingsByDetector = new TreeMap<>();
  private final Set<String> attackers = new HashSet<>();
  private long wallMillis;
  private boolean live;

  /**
   * A replay for one seed.
   *
   * @param seed the seed
   * @param users human population
   * @param stateDir a temporary state directory
   */
  PopulationReplay(long seed, int users, Path stateDir) {
    this.settings =
        new GeneratorSettings(
            seed,
            users,
            GeneratorSettings.DEFAULT_WORKLOADS,
            GeneratorSettings.DEFAULT_START,
            GeneratorSettings.DEFAULT_EVENTS_PER_SECOND,
            FIRST_ATTACK,
            ATTACK_SPACING);
    // Production defaults; only the decay punctuator runs every minute of simulated wall clock
    // instead of every 10 s, which changes when scores fall, not when they rise.
    this.vigil =
        TopologyFixture.builder(stateDir, settings.start()).set("decay.interval", "60s").build();
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

  Result run(Duration history, Duration liveSpan) {
    TrafficGenerator generator = TrafficGenerator.forPopulation(settings);
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
              if (historyCount[0] % 1000 == 0) {
                advanceWall(start + Math.round(historyCount[0] * perEventMillis));
              }
              if (historyCount[0] % 50_000 == 0) {
                progress("history", historyCount[0], e);
              }
            });
    advanceWall(start + Math.round(historyCount[0] * perEventMillis));
    long liveWallStart = wallMillis;
    live = true;
    long[] liveCount = {0};
    generator
        .naturalLive(liveSpan)
        .forEach(
            e -> {
              liveCount[0]++;
              advanceWall(liveWallStart + (e.timestamp().toEpochMilli() - start));
              pipe(e);
              if (liveCount[0] % 50_000 == 0) {
                progress("live", liveCount[0], e);
              }
            });
    advanceWall(liveWallStart + liveSpan.toMillis() + 60_000);
    Scorecard card =
        Scorecard.compute(
            generator.labels(),
            observations,
            at -> liveWallStart + Duration.between(settings.start(), at).toMillis());

    Map<String, String> profileOf = new LinkedHashMap<>();
    for (Persona p : generator.population()) {
      profileOf.put(p.subjectId(), p.profile());
    }
    generator.serviceAccounts().forEach(id -> profileOf.put(id, "service"));
    Set<String> attacked = new HashSet<>();
    for (ScenarioLabel label : generator.labels()) {
      attacked.addAll(label.subjects());
    }
    // The attackers' own addresses are subjects too (the spraying IP): not benign.
    attacked.addAll(attackers);
    Set<String> benignPeople = new TreeSet<>();
    Set<String> benignOther = new TreeSet<>();
    List<String> lines = new ArrayList<>();
    for (Observation o : observations) {
      if (o.value() instanceof RiskAlert a
          && a.getLevel().compareTo(RiskLevel.MEDIUM) >= 0
          && !attacked.contains(o.subject())) {
        if (profileOf.containsKey(o.subject())) {
          benignPeople.add(o.subject());
          lines.add(line(a, profileOf.get(o.subject())));
        } else {
          benignOther.add(o.subject());
          lines.add(line(a, "other"));
        }
      }
    }
    Map<String, Integer> profiles = new TreeMap<>();
    benignPeople.forEach(s -> profiles.merge(profileOf.get(s), 1, Integer::sum));
    return new Result(
        settings.seed(),
        profileOf.size(),
        liveSpan.toMillis() / 86_400_000.0,
        historyCount[0],
        liveCount[0],
        benignPeople,
        benignOther,
        card,
        lines,
        findingsByDetector,
        profiles);
  }

  private void progress(String phase, long count, GeneratedEvent at) {
    System.err.printf(
        Locale.ROOT,
        "seed %d: %s %,d events, at %s%n",
        settings.seed(),
        phase,
        count,
        at.timestamp());
  }

  private static String line(RiskAlert a, String profile) {
    return "  "
        + a.getSubjectId()
        + " ("
        + profile
        + ") "
        + a.getLevel()
        + " "
        + Math.round(a.getScore())
        + " at "
        + a.getTimestamp()
        + ": "
        + a.getContributions().stream()
            .map(c -> c.getDetectorId() + " " + Math.round(c.getCurrentScore()) + " " + summary(c))
            .collect(Collectors.joining(" | "));
  }

  private static String summary(Contribution c) {
    return c.getSummary() == null ? "" : c.getSummary();
  }

  private void pipe(GeneratedEvent e) {
    if (e.isAttack() && e.value() instanceof LoginEvent login && login.getIp() != null) {
      attackers.add(login.getIp());
    }
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

  /** Reads what the topology wrote; keeps what the live period produced. */
  private void collect() {
    while (!findings.isEmpty()) {
      RiskFinding f = findings.readValue();
      if (live) {
        findingsByDetector.merge(f.getDetectorId(), 1, Integer::sum);
      }
    }
    while (!alerts.isEmpty()) {
      TestRecord<String, RiskAlert> r = alerts.readRecord();
      if (live) {
        observations.add(new Observation(Observation.Kind.ALERT, r.key(), r.value(), wallMillis));
      }
    }
    while (!audit.isEmpty()) {
      TestRecord<String, EnforcementCommand> r = audit.readRecord();
      if (live) {
        observations.add(new Observation(Observation.Kind.AUDIT, r.key(), r.value(), wallMillis));
      }
    }
  }

  @Override
  public void close() {
    vigil.close();
  }
}
