package dev.vigil.jmh;

import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.risk.signal.DetectorGroup;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * The benchmarks' input, built once per JVM from the development traffic generator (the same
 * generator {@code vigil demo} and {@code vigil bench} use): {@value #USERS} users and {@value
 * #WORKLOADS} workloads, {@value #HISTORY_DAYS} days of history then the live phase with the ten
 * attacks, the generator's reference data, and the built-in detectors with default settings.
 * Deterministic: every run benchmarks the same events.
 */
public final class Workload {

  /** Users in the generated organisation (the generator's minimum is 50). */
  public static final int USERS = 50;

  /** Workloads in the generated service graph. */
  public static final int WORKLOADS = 12;

  /** Days of generated history before the live phase. */
  public static final int HISTORY_DAYS = 21;

  /** Simulated seconds of live traffic after the history (the attacks run in the first 90 s). */
  public static final int LIVE_SECONDS = 90;

  private static Workload instance;

  private final List<SpecificRecord> events;
  private final ReferenceData reference = new ReferenceData();
  private final DetectionContext context;
  private final DetectorCatalog catalog;

  private Workload() {
    this(USERS, HISTORY_DAYS);
  }

  /**
   * A workload of another size (for {@link FindingsDigest}).
   *
   * @param users users in the generated organisation (at least 50)
   * @param historyDays days of generated history before the live phase
   */
  Workload(int users, int historyDays) {
    GeneratorSettings defaults = GeneratorSettings.defaults(42);
    GeneratorSettings settings =
        new GeneratorSettings(
            defaults.seed(),
            users,
            WORKLOADS,
            defaults.start(),
            defaults.eventsPerSecond(),
            defaults.firstAttackAfter(),
            defaults.attackSpacing());
    TrafficGenerator generator = new TrafficGenerator(settings);
    for (GeneratedEvent e : generator.referenceData()) {
      if (e.value() instanceof ThreatIndicator indicator) {
        reference.putIndicator(e.key(), indicator);
      } else if (e.value() instanceof ServiceEdge edge) {
        reference.putEdge(e.key(), edge);
      } else if (e.value() instanceof NetworkRange range) {
        reference.putNetwork(e.key(), range);
      }
    }
    events =
        Stream.concat(
                generator.history(Duration.ofDays(historyDays)),
                generator.events(Duration.ofSeconds(LIVE_SECONDS)))
            .map(GeneratedEvent::value)
            .toList();
    DetectorSettings detectorSettings = DetectorSettings.defaults();
    context = new DetectionContext(reference, detectorSettings);
    catalog = SignalFamilies.catalog(detectorSettings);
  }

  /** The workload of this JVM, generated on first use. */
  public static synchronized Workload get() {
    if (instance == null) {
      instance = new Workload();
    }
    return instance;
  }

  /** Every generated signal (history, then live), in event-time order. */
  public List<SpecificRecord> events() {
    return events;
  }

  /** Reference data and default detector settings. */
  public DetectionContext context() {
    return context;
  }

  /** The engine of a detector group, as the topology builds it. */
  public <S> DetectionEngine<S> engine(DetectorGroup<S> group) {
    return new DetectionEngine<>(catalog.detectors(group.type(), group.scope()), group.eventId());
  }

  /**
   * The events a detector group reads, adapted to its event type, per key of its scope (in first-
   * seen order), each key's events in event-time order: what the group's processor sees.
   */
  public <S> Map<String, List<S>> eventsByKey(DetectorGroup<S> group) {
    Map<String, List<S>> byKey = new LinkedHashMap<>();
    for (SpecificRecord value : events) {
      for (DetectorGroup.Input<?, S> input : group.inputs()) {
        read(input, value)
            .ifPresent(k -> byKey.computeIfAbsent(k.key(), x -> new ArrayList<>()).add(k.event()));
      }
    }
    return byKey;
  }

  /** The key of a group with the most events, and its events. */
  public <S> Keyed<S> busiestKey(DetectorGroup<S> group) {
    return eventsByKey(group).entrySet().stream()
        .max(Comparator.comparingInt((Map.Entry<String, List<S>> e) -> e.getValue().size()))
        .map(e -> new Keyed<>(e.getKey(), List.copyOf(e.getValue())))
        .orElseThrow(() -> new IllegalStateException("No input for group " + group.store()));
  }

  /**
   * A detector group by its processor's name in the topology without {@code -detectors}: {@code
   * login-subject}, {@code login-source-ip}, {@code access-subject}, {@code device-device}, {@code
   * network-subject}, {@code external-subject}.
   */
  public static DetectorGroup<?> group(String name) {
    return SignalFamilies.GROUPS.stream()
        .filter(g -> name(g).equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("No detector group " + name));
  }

  /** A group's name, as {@link #group(String)} takes it. */
  public static String name(DetectorGroup<?> group) {
    return group.store() + "-" + group.scope().name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Every finding the built-in detectors raise over the whole workload (all groups, each key's
   * bundle kept in memory), in the order the groups run.
   */
  public List<RiskFinding> findings() {
    List<RiskFinding> findings = new ArrayList<>();
    for (DetectorGroup<?> group : SignalFamilies.GROUPS) {
      collectFindings(group, findings);
    }
    return findings;
  }

  /** The findings one detector group raises over the whole workload. */
  public List<RiskFinding> findings(DetectorGroup<?> group) {
    List<RiskFinding> findings = new ArrayList<>();
    collectFindings(group, findings);
    return findings;
  }

  private <S> void collectFindings(DetectorGroup<S> group, List<RiskFinding> out) {
    DetectionEngine<S> engine = engine(group);
    if (engine.detectors().isEmpty()) {
      return;
    }
    Map<String, BaselineBundle> bundles = new HashMap<>();
    for (SpecificRecord value : events) {
      for (DetectorGroup.Input<?, S> input : group.inputs()) {
        read(input, value)
            .ifPresent(
                k ->
                    out.addAll(
                        engine.observe(
                            k.event(),
                            bundles.computeIfAbsent(k.key(), x -> new BaselineBundle()),
                            context)));
      }
    }
  }

  /** The record as the group's event under the group's key, if this input reads it. */
  private static <E extends SpecificRecord, S> Optional<KeyedEvent<S>> read(
      DetectorGroup.Input<E, S> input, SpecificRecord record) {
    if (!input.family().type().isInstance(record)) {
      return Optional.empty();
    }
    E value = input.family().type().cast(record);
    String key =
        input.rekey() == null ? input.family().key().apply(value) : input.rekey().apply(value);
    if (key == null) {
      return Optional.empty();
    }
    return input.adapt().apply(value).map(event -> new KeyedEvent<>(key, event));
  }

  /**
   * One key and its events.
   *
   * @param key the key under the group's scope
   * @param events its events, in event-time order
   * @param <S> the group's event type
   */
  public record Keyed<S>(String key, List<S> events) {}

  private record KeyedEvent<S>(String key, S event) {}

  /** Prints the workload's size per detector group (for the README's description of inputs). */
  public static void main(String[] args) {
    Workload w = get();
    System.out.println("events: " + w.events.size());
    for (DetectorGroup<?> group : SignalFamilies.GROUPS) {
      Map<String, ? extends List<?>> byKey = w.eventsByKey(group);
      Keyed<?> busiest = w.busiestKey(group);
      System.out.printf(
          "%s: %d keys, %d events, busiest %s with %d%n",
          name(group),
          byKey.size(),
          byKey.values().stream().mapToInt(List::size).sum(),
          busiest.key(),
          busiest.events().size());
    }
    long t = System.nanoTime();
    List<RiskFinding> findings = w.findings();
    System.out.printf(
        "findings: %d in %d ms%n", findings.size(), (System.nanoTime() - t) / 1_000_000);
  }
}
