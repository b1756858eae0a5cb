package dev.vigil.app.topology;

import dev.vigil.app.serde.CborSerde;
import dev.vigil.app.topology.ScoringOutput.Kind;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.access.AccessSignal;
import dev.vigil.risk.detect.device.DeviceSignal;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.risk.validate.SignalValidator;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
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
 * store per family and key scope). Findings go to the findings topic keyed by subject, which also
 * repartitions findings raised under other keys (source IP, device). The scoring stage reads them
 * back, fuses them per subject and emits scores, alerts and decisions.
 */
public final class VigilTopology {

  private VigilTopology() {}

  /** Builds the topology. */
  public static Topology build(Topics topics, TopologyDependencies deps) {
    StreamsBuilder builder = new StreamsBuilder();
    addReferenceData(builder, topics, deps);

    List<KStream<String, RiskFinding>> findings = new ArrayList<>();
    KStream<String, LoginEvent> logins =
        signal(builder, topics.login(), "login", SignalValidator::check);
    detect(
            builder,
            logins,
            "login",
            LoginEvent.class,
            LoginEvent::getEventId,
            KeyScope.SUBJECT,
            deps)
        .ifPresent(findings::add);
    if (!deps.catalog().detectors(LoginEvent.class, KeyScope.SOURCE_IP).isEmpty()) {
      // Password spray is one IP against many subjects: its baseline must be keyed by IP.
      KStream<String, LoginEvent> byIp =
          logins
              .filter((subject, login) -> login.getIp() != null, Named.as("login-with-ip"))
              .selectKey((subject, login) -> login.getIp(), Named.as("login-key-by-ip"))
              .repartition(
                  Repartitioned.with(topics.login().keySerde(), topics.login().valueSerde())
                      .withName("login-by-ip"));
      detect(
              builder,
              byIp,
              "login",
              LoginEvent.class,
              LoginEvent::getEventId,
              KeyScope.SOURCE_IP,
              deps)
          .ifPresent(findings::add);
    }

    KStream<String, AccessEvent> accesses =
        signal(builder, topics.access(), "access", SignalValidator::check);
    KStream<String, AccessGrant> grants =
        signal(builder, topics.grants(), "grant", SignalValidator::check);
    // Access detectors also need the subject's sign-ins (sessions, devices) and JIT grants.
    KStream<String, AccessSignal> accessSignals =
        accesses
            .mapValues(AccessSignal::ofAccess, Named.as("access-as-signal"))
            .merge(
                grants.mapValues(AccessSignal::ofGrant, Named.as("grant-as-signal")),
                Named.as("merge-access-grant"))
            .merge(
                logins.mapValues(AccessSignal::ofLogin, Named.as("login-as-access-signal")),
                Named.as("merge-access-login"));
    detect(
            builder,
            accessSignals,
            "access",
            AccessSignal.class,
            AccessSignal::eventId,
            KeyScope.SUBJECT,
            deps)
        .ifPresent(findings::add);

    if (!deps.catalog().detectors(DeviceSignal.class, KeyScope.DEVICE).isEmpty()) {
      findings.add(deviceFindings(builder, topics, logins, accesses, deps));
    }

    KStream<String, NetworkFlow> flows =
        signal(builder, topics.networkFlow(), "network-flow", SignalValidator::check);
    detect(
            builder,
            flows,
            "network",
            NetworkFlow.class,
            NetworkFlow::getEventId,
            KeyScope.SUBJECT,
            deps)
        .ifPresent(findings::add);

    KStream<String, ExternalSignal> external =
        signal(builder, topics.external(), "external", SignalValidator::check);
    detect(
            builder,
            external,
            "external",
            ExternalSignal.class,
            ExternalSignal::getEventId,
            KeyScope.SUBJECT,
            deps)
        .ifPresent(findings::add);

    if (!findings.isEmpty()) {
      KStream<String, RiskFinding> all = findings.get(0);
      for (int i = 1; i < findings.size(); i++) {
        all = all.merge(findings.get(i), Named.as("merge-findings-" + i));
      }
      all.to(
          topics.findings().name(),
          Produced.with(topics.findings().keySerde(), topics.findings().valueSerde())
              .withName("findings-sink"));
    }

    KStream<String, RiskFinding> scoredFindings = addScoring(builder, topics, logins, grants, deps);
    if (deps.sets() != null) {
      SetTopology.add(builder, topics, deps.sets(), scoredFindings, deps.metrics());
    }
    return builder.build();
  }

  /**
   * Device posture keyed by device, joined with who uses each device: sign-ins and accesses are
   * re-keyed by device so posture findings can fan out to the device's current users.
   */
  private static KStream<String, RiskFinding> deviceFindings(
      StreamsBuilder builder,
      Topics topics,
      KStream<String, LoginEvent> logins,
      KStream<String, AccessEvent> accesses,
      TopologyDependencies deps) {
    KStream<String, DeviceSignal> posture =
        signal(builder, topics.devicePosture(), "device-posture", SignalValidator::check)
            .mapValues(DeviceSignal::ofPosture, Named.as("posture-as-signal"));
    KStream<String, DeviceSignal> loginUsage =
        logins
            .filter((k, v) -> DeviceSignal.fromLogin(v).isPresent(), Named.as("login-with-device"))
            .selectKey((k, v) -> v.getDeviceId(), Named.as("login-key-by-device"))
            .repartition(
                Repartitioned.with(topics.login().keySerde(), topics.login().valueSerde())
                    .withName("login-by-device"))
            .mapValues(v -> DeviceSignal.fromLogin(v).orElseThrow(), Named.as("login-as-usage"));
    KStream<String, DeviceSignal> accessUsage =
        accesses
            .filter(
                (k, v) -> DeviceSignal.fromAccess(v).isPresent(), Named.as("access-with-device"))
            .selectKey((k, v) -> v.getDeviceId(), Named.as("access-key-by-device"))
            .repartition(
                Repartitioned.with(topics.access().keySerde(), topics.access().valueSerde())
                    .withName("access-by-device"))
            .mapValues(v -> DeviceSignal.fromAccess(v).orElseThrow(), Named.as("access-as-usage"));
    KStream<String, DeviceSignal> signals =
        posture
            .merge(loginUsage, Named.as("merge-posture-login-usage"))
            .merge(accessUsage, Named.as("merge-posture-access-usage"));
    return detect(
            builder,
            signals,
            "device",
            DeviceSignal.class,
            DeviceSignal::eventId,
            KeyScope.DEVICE,
            deps,
            new DetectionProcessor.Tick<>(deps.deviceCheckInterval(), DeviceSignal::ofCheck))
        .orElseThrow();
  }

  private static <V> KStream<String, V> signal(
      StreamsBuilder builder,
      Topic<String, V> topic,
      String name,
      Function<V, Optional<String>> check) {
    return builder.stream(
            topic.name(),
            Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name + "-source"))
        .processValues(() -> new ValidationProcessor<>(name, check), Named.as(name + "-validate"));
  }

  private static <E> Optional<KStream<String, RiskFinding>> detect(
      StreamsBuilder builder,
      KStream<String, E> stream,
      String family,
      Class<E> eventType,
      Function<E, String> eventId,
      KeyScope scope,
      TopologyDependencies deps) {
    return detect(builder, stream, family, eventType, eventId, scope, deps, null);
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
            new CborSerde<>(BaselineBundle.class)));
    DetectionEngine<E> engine = new DetectionEngine<>(detectors, eventId);
    return Optional.of(
        stream.process(
            () -> new DetectionProcessor<>(store, engine, deps.detection(), deps.metrics(), tick),
            Named.as(family + "-" + scope.name().toLowerCase().replace('_', '-') + "-detectors"),
            store));
  }

  /** Adds the scoring stage; returns the findings it reads, for stages that share that source. */
  private static KStream<String, RiskFinding> addScoring(
      StreamsBuilder builder,
      Topics topics,
      KStream<String, LoginEvent> logins,
      KStream<String, AccessGrant> grants,
      TopologyDependencies deps) {
    StoreBuilder<KeyValueStore<String, SubjectRiskState>> riskStore =
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.SUBJECT_RISK),
            Serdes.String(),
            new CborSerde<>(SubjectRiskState.class));
    builder.addStateStore(riskStore);
    SubjectScorer scorer =
        new SubjectScorer(
            deps.fusion(),
            deps.policy(),
            deps.detection().reference(),
            deps.decayInterval(),
            deps.metrics());
    // New sessions of a subject whose level revokes sessions are revoked as they appear.
    KStream<String, ScoringOutput> sessionDecisions =
        logins.process(
            () -> new SessionTracker(scorer), Named.as("session-tracker"), StoreNames.SUBJECT_RISK);

    KStream<String, RiskFinding> findingsIn =
        builder.stream(
            topics.findings().name(),
            Consumed.with(topics.findings().keySerde(), topics.findings().valueSerde())
                .withName("findings-source"));
    KStream<String, ScoringOutput> outputs =
        findingsIn.process(
            () ->
                new ScoringProcessor(
                    scorer,
                    deps.decayInterval(),
                    java.time.Duration.ofSeconds(deps.fusion().allowedLatenessSeconds())),
            Named.as("risk-scoring"),
            StoreNames.SUBJECT_RISK);
    outputs = outputs.merge(sessionDecisions, Named.as("merge-session-decisions"));

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
                s -> route(s, topics.commands(), EnforcementCommand.class, "commands"), "commands"))
        .branch(
            (k, v) -> v.kind() == Kind.AUDIT,
            Branched.withConsumer(
                s -> route(s, topics.audit(), EnforcementCommand.class, "audit"), "audit"));
    return findingsIn;
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
