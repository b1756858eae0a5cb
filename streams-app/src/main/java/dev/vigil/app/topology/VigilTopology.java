package dev.vigil.app.topology;

import dev.vigil.app.serde.BaselineBundleSerde;
import dev.vigil.app.serde.CborSerde;
import dev.vigil.app.serde.SubjectRiskStateSerde;
import dev.vigil.app.topology.ScoringOutput.Kind;
import dev.vigil.risk.detect.BaselineBundleCodec;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.risk.signal.DetectorGroup;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.risk.signal.SignalFamily;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds Vigil's topology. Pure: it takes topics and collaborators and returns a {@link Topology};
 * configuration and lifecycle live elsewhere, so tests drive the same topology.
 *
 * <p>Signals are validated, then each family's detectors run against their baselines (one RocksDB
 * store per family and key scope). Every finding goes to the findings topic keyed by subject, for
 * analysts. The scoring stage, in the same sub-topology as the subject-keyed signals, fuses
 * findings per subject and emits scores, alerts and decisions: a finding about a subject whose
 * state is on the partition that raised it is scored there and then (one exactly-once hop from
 * signal to decision); the others (raised under a source IP or a device, or naming another subject)
 * reach their subject's partition through the {@value #FINDINGS_BY_SUBJECT} repartition topic.
 */
public final class VigilTopology {

  private VigilTopology() {}

  /**
   * Name of the repartition topic that carries findings to the partition of their subject when they
   * were raised elsewhere (under a source IP or a device, or about another subject); Kafka Streams
   * prefixes it with the application id and suffixes it with {@code -repartition}.
   */
  public static final String FINDINGS_BY_SUBJECT = "findings-by-subject";

  /** The topic {@link #FINDINGS_BY_SUBJECT} names for an application id. */
  public static String findingsBySubjectTopic(String applicationId) {
    return applicationId + "-" + FINDINGS_BY_SUBJECT + "-repartition";
  }

  /** Builds the topology. */
  public static Topology build(Topics topics, TopologyDependencies deps) {
    StreamsBuilder builder = new StreamsBuilder();
    addReferenceData(builder, topics, deps);
    // Raw records from shippers are mapped to typed signals, which then come back in as any
    // producer's signals do.
    RawIngestTopology.add(builder, topics, deps.rawMappings());

    Map<SignalFamily<?>, KStream<String, ?>> families = new LinkedHashMap<>();
    for (SignalFamily<?> family : SignalFamilies.ALL) {
      families.put(family, familyStream(builder, topics, family, deps));
    }
    // Before the detectors, so a sign-in opens its session before the findings it raises are
    // scored (they are scored in the same pass now).
    Scoring scoring = new Scoring(builder, topics, deps, stream(families, SignalFamilies.LOGIN));

    List<KStream<String, RiskFinding>> findings = new ArrayList<>();
    for (DetectorGroup<?> group : SignalFamilies.GROUPS) {
      group(builder, topics, group, families, deps).ifPresent(findings::add);
    }
    KStream<String, RiskFinding> all = null;
    if (!findings.isEmpty()) {
      all = findings.get(0);
      for (int i = 1; i < findings.size(); i++) {
        all = all.merge(findings.get(i), Named.as("merge-findings-" + i));
      }
      // Every finding is published for analysts; scoring does not read it back.
      all.to(
          topics.findings().name(),
          Produced.with(topics.findings().keySerde(), topics.findings().valueSerde())
              .withName("findings-sink"));
    }
    scoring.add(all, stream(families, SignalFamilies.GRANT));
    if (deps.sets() != null) {
      SetTopology.add(builder, topics, deps.sets(), all, deps.metrics());
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static <E extends SpecificRecord> KStream<String, E> stream(
      Map<SignalFamily<?>, KStream<String, ?>> families, SignalFamily<E> family) {
    return (KStream<String, E>) families.get(family);
  }

  /**
   * A family's records, validated and keyed as the family says. Records a Java producer placed on
   * the partition their key hashes to go straight on; the others (another key, or a producer with
   * another partitioner: librdkafka's CRC32, Sarama's FNV) go through a repartition topic first, so
   * that a subject's state never depends on who produced its signals.
   */
  private static <E extends SpecificRecord> KStream<String, E> familyStream(
      StreamsBuilder builder, Topics topics, SignalFamily<E> family, TopologyDependencies deps) {
    Topic<String, E> topic = topics.signal(family.topic(), family.type());
    deps.metrics().source(topic.name(), family.name());
    KStream<String, E> validated =
        builder.stream(
                topic.name(),
                Consumed.with(topic.keySerde(), topic.valueSerde())
                    .withName(family.name() + "-source"))
            .processValues(
                () ->
                    new ValidationProcessor<>(
                        family.name(), family.validation(), family.eventTime(), deps.metrics()),
                Named.as(family.name() + "-validate"));
    int partitions = deps.signalPartitions().applyAsInt(topic.name());
    Placement<E> placement = place(validated, family.key(), partitions, family.name());
    KStream<String, E> misplaced =
        placement
            .away()
            .repartition(
                withPartitions(
                    Repartitioned.with(topic.keySerde(), topic.valueSerde())
                        .withName(family.name() + "-by-" + family.keyedBy().replace(' ', '-')),
                    partitions));
    return placement.home().merge(misplaced, Named.as(family.name() + "-keyed"));
  }

  /** A stream split by where its records belong: on this partition, or on another one. */
  private record Placement<V>(KStream<String, V> home, KStream<String, V> away) {}

  /**
   * Keys each record as {@code key} says and splits the stream, with one evaluation per record,
   * into the records already on the partition their key hashes to and the others.
   */
  private static <V> Placement<V> place(
      KStream<String, V> stream, Function<V, String> key, int partitions, String name) {
    KStream<String, PlacementProcessor.Placed<V>> placed =
        stream.process(() -> new PlacementProcessor<>(key, partitions), Named.as(name + "-place"));
    Map<String, KStream<String, PlacementProcessor.Placed<V>>> branches =
        placed
            .split(Named.as(name + "-"))
            .branch((k, v) -> v.home(), Branched.as("placed"))
            .defaultBranch(Branched.as("misplaced"));
    return new Placement<>(
        branches.get(name + "-placed").mapValues(p -> p.value(), Named.as(name + "-home")),
        branches.get(name + "-misplaced").mapValues(p -> p.value(), Named.as(name + "-away")));
  }

  /** With an explicit partition count when it is known, else the one Kafka Streams derives. */
  private static <K, V> Repartitioned<K, V> withPartitions(
      Repartitioned<K, V> repartitioned, int partitions) {
    return partitions > 0 ? repartitioned.withNumberOfPartitions(partitions) : repartitioned;
  }

  /** The findings of one detector group, or empty when no detector of the group is registered. */
  private static <S> Optional<KStream<String, RiskFinding>> group(
      StreamsBuilder builder,
      Topics topics,
      DetectorGroup<S> group,
      Map<SignalFamily<?>, KStream<String, ?>> families,
      TopologyDependencies deps) {
    if (deps.catalog().detectors(group.type(), group.scope()).isEmpty()) {
      return Optional.empty();
    }
    KStream<String, S> in = null;
    for (DetectorGroup.Input<?, S> input : group.inputs()) {
      KStream<String, S> adapted = input(topics, group, input, families);
      in = in == null ? adapted : in.merge(adapted, Named.as("merge-" + adapted(group, input)));
    }
    DetectionProcessor.Tick<S> tick =
        group.tick() == null
            ? null
            : new DetectionProcessor.Tick<>(deps.deviceCheckInterval(), group.tick());
    return detect(
        builder, in, group.store(), group.type(), group.eventId(), group.scope(), deps, tick);
  }

  private static <E extends SpecificRecord, S> KStream<String, S> input(
      Topics topics,
      DetectorGroup<S> group,
      DetectorGroup.Input<E, S> input,
      Map<SignalFamily<?>, KStream<String, ?>> families) {
    SignalFamily<E> family = input.family();
    KStream<String, E> stream = stream(families, family);
    String name = adapted(group, input);
    if (input.rekey() == null) {
      if (family.type() == group.type()) {
        @SuppressWarnings("unchecked")
        KStream<String, S> same = (KStream<String, S>) stream;
        return same;
      }
      return stream.flatMapValues(v -> input.adapt().apply(v).stream().toList(), Named.as(name));
    }
    Topic<String, E> topic = topics.signal(family.topic(), family.type());
    String by = family.name() + "-by-" + scopeName(group.scope());
    // The group's baselines live under another key: re-key (one step, the key computed once) and
    // repartition; records without such a key, or that the group would skip, stay here.
    KStream<String, E> rekeyed =
        stream.flatMap(
            (k, v) -> {
              String key = input.rekey().apply(v);
              return key == null || input.adapt().apply(v).isEmpty()
                  ? List.<KeyValue<String, E>>of()
                  : List.of(KeyValue.pair(key, v));
            },
            Named.as(family.name() + "-key-" + by));
    if (input.sampling() != null) {
      rekeyed =
          rekeyed.processValues(
              () -> new SamplingProcessor<>(input.sampling()),
              Named.as(family.name() + "-sample-" + by));
    }
    return rekeyed
        .repartition(Repartitioned.with(topic.keySerde(), topic.valueSerde()).withName(by))
        .flatMapValues(v -> input.adapt().apply(v).stream().toList(), Named.as(name));
  }

  private static String adapted(DetectorGroup<?> group, DetectorGroup.Input<?, ?> input) {
    return input.family().name() + "-as-" + group.store() + "-" + scopeName(group.scope());
  }

  private static String scopeName(KeyScope scope) {
    return switch (scope) {
      case SUBJECT -> "subject";
      case SOURCE_IP -> "ip";
      case SOURCE_ASN -> "asn";
      case DEVICE -> "device";
    };
  }

  private static <E> Optional<KStream<String, RiskFinding>> detect(
      StreamsBuilder builder,
      KStream<String, E> stream,
      String family,
      Class<E> eventType,
      Function<E, String> eventId,
      KeyScope scope,
      TopologyDependencies deps,
      DetectionProcessor.Tick<E> tick) {
    List<Detector<E, ?>> detectors = deps.catalog().detectors(eventType, scope);
    if (detectors.isEmpty()) {
      return Optional.empty();
    }
    String store = StoreNames.baselines(family, scope);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(store),
            Serdes.String(),
            new BaselineBundleSerde(BaselineBundleCodec.forDetectors(detectors))));
    DetectionEngine<E> engine = new DetectionEngine<>(detectors, eventId);
    return Optional.of(
        stream.process(
            () -> new DetectionProcessor<>(store, engine, deps.detection(), deps.metrics(), tick),
            Named.as(family + "-" + scope.name().toLowerCase().replace('_', '-') + "-detectors"),
            store));
  }

  /**
   * The scoring stage: one subject-risk store, read and written by the session tracker and by
   * scoring, in the sub-topology of the subject-keyed signals. A finding whose subject's state is
   * on the partition that raised it (the common case: a subject-keyed detector's finding about that
   * subject) is scored there and then, in the same transaction as the signal behind it; any other
   * finding (raised under a source IP or a device, or naming another subject) goes through the
   * {@link #FINDINGS_BY_SUBJECT} repartition topic first, partitioned like the login topic. Each
   * finding takes exactly one of the two ways.
   */
  private static final class Scoring {
    private final StreamsBuilder builder;
    private final Topics topics;
    private final TopologyDependencies deps;
    private final SubjectScorer scorer;
    private final KStream<String, ScoringOutput> sessionDecisions;

    /** Adds the store and the session tracker (before the detectors read the sign-ins). */
    Scoring(
        StreamsBuilder builder,
        Topics topics,
        TopologyDependencies deps,
        KStream<String, LoginEvent> logins) {
      this.builder = builder;
      this.topics = topics;
      this.deps = deps;
      StoreBuilder<KeyValueStore<String, SubjectRiskState>> riskStore =
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(StoreNames.SUBJECT_RISK),
              Serdes.String(),
              new SubjectRiskStateSerde());
      builder.addStateStore(riskStore);
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(StoreNames.SUBJECT_RISK_DUE),
              Serdes.Bytes(),
              Serdes.ByteArray()));
      this.scorer =
          new SubjectScorer(
              deps.fusion(),
              deps.policy(),
              deps.detection().reference(),
              deps.decayInterval(),
              deps.metrics());
      // New sessions of a subject whose level revokes sessions are revoked as they appear.
      this.sessionDecisions =
          logins.process(
              () -> new SessionTracker(scorer),
              Named.as("session-tracker"),
              StoreNames.SUBJECT_RISK,
              StoreNames.SUBJECT_RISK_DUE);
    }

    /** Adds scoring of the findings (null: none), grant expiry and the output sinks. */
    void add(KStream<String, RiskFinding> findings, KStream<String, AccessGrant> grants) {
      KStream<String, ScoringOutput> outputs = sessionDecisions;
      if (findings != null) {
        Topic<String, RiskFinding> topic = topics.findings();
        // A subject's state lives on the partition its sign-ins hash to.
        int partitions = deps.signalPartitions().applyAsInt(topics.login().name());
        Placement<RiskFinding> placement =
            place(findings, RiskFinding::getSubjectId, partitions, "findings");
        KStream<String, RiskFinding> arrived =
            placement
                .away()
                .repartition(
                    withPartitions(
                        Repartitioned.with(topic.keySerde(), topic.valueSerde())
                            .withName(FINDINGS_BY_SUBJECT),
                        partitions));
        KStream<String, ScoringOutput> scored =
            placement
                .home()
                .merge(arrived, Named.as("findings-to-score"))
                .process(
                    () ->
                        new ScoringProcessor(
                            scorer,
                            deps.decayInterval(),
                            java.time.Duration.ofSeconds(deps.fusion().allowedLatenessSeconds())),
                    Named.as("risk-scoring"),
                    StoreNames.SUBJECT_RISK,
                    StoreNames.SUBJECT_RISK_DUE);
        outputs = scored.merge(outputs, Named.as("merge-session-decisions"));
      }

      builder.addStateStore(
          Stores.keyValueStoreBuilder(
              Stores.persistentKeyValueStore(StoreNames.GRANTS),
              Serdes.String(),
              new CborSerde<>(PendingGrant.class)));
      KStream<String, ScoringOutput> grantDecisions =
          grants.process(
              () ->
                  new GrantExpiryProcessor(
                      deps.policy(),
                      deps.detection().reference(),
                      deps.decayInterval(),
                      deps.metrics()),
              Named.as("grant-expiry"),
              StoreNames.GRANTS);
      outputs = outputs.merge(grantDecisions, Named.as("merge-grant-decisions"));

      outputs
          .split(Named.as("scoring-"))
          .branch(
              (k, v) -> v.kind() == Kind.SCORE,
              Branched.withConsumer(
                  s -> route(s, topics.scores(), SubjectRisk.class, "scores"), "scores"))
          .branch(
              (k, v) -> v.kind() == Kind.ALERT,
              Branched.withConsumer(
                  s -> route(s, topics.alerts(), RiskAlert.class, "alerts"), "alerts"))
          .branch(
              (k, v) -> v.kind() == Kind.COMMAND,
              Branched.withConsumer(
                  s -> route(s, topics.commands(), EnforcementCommand.class, "commands"),
                  "commands"))
          .branch(
              (k, v) -> v.kind() == Kind.AUDIT,
              Branched.withConsumer(
                  s -> route(s, topics.audit(), EnforcementCommand.class, "audit"), "audit"));
    }
  }

  /** The topics the global (reference data) thread reads, whose dead letters it writes itself. */
  public static List<String> globalTopics(Topics topics) {
    return List.of(
        topics.threatIntel().name(),
        topics.serviceEdges().name(),
        topics.subjects().name(),
        topics.policy().name());
  }

  private static <V> void route(
      KStream<String, ScoringOutput> stream, Topic<String, V> topic, Class<V> type, String name) {
    stream
        .mapValues(v -> type.cast(v.value()), Named.as(name + "-unwrap"))
        .to(
            topic.name(),
            Produced.with(topic.keySerde(), topic.valueSerde()).withName(name + "-sink"));
  }

  private static void addReferenceData(
      StreamsBuilder builder, Topics topics, TopologyDependencies deps) {
    ReferenceData reference = deps.detection().reference();
    globalReference(
        builder, topics.threatIntel(), StoreNames.THREAT_INTEL, reference::putIndicator);
    globalReference(builder, topics.serviceEdges(), StoreNames.SERVICE_EDGES, reference::putEdge);
    globalReference(builder, topics.subjects(), StoreNames.SUBJECTS, reference::putSubject);
    globalReference(builder, topics.networks(), StoreNames.NETWORKS, reference::putNetwork);
    PolicyHolder policy = deps.policy();
    globalReference(builder, topics.policy(), StoreNames.POLICY, (key, doc) -> policy.offer(doc));
  }

  private static <V> void globalReference(
      StreamsBuilder builder, Topic<String, V> topic, String store, BiConsumer<String, V> index) {
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(store), topic.keySerde(), topic.valueSerde())
            .withLoggingDisabled(),
        topic.name(),
        Consumed.with(topic.keySerde(), topic.valueSerde()).withName(store + "-source"),
        () -> new ReferenceDataProcessor<>(store, index));
  }
}
