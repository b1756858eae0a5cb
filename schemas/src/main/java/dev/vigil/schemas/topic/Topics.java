package dev.vigil.schemas.topic;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.PolicyDocument;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.SubjectProfile;
import dev.vigil.schema.SubjectRisk;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed, immutable registry of every Vigil topic. Names are {@code <prefix>.<name>.v<major>}; a
 * major version bump is a new topic, minor evolution stays compatible in the schema registry.
 */
public final class Topics {

  /** The default topic prefix. */
  public static final String DEFAULT_PREFIX = "vigil";

  private static final Pattern PREFIX = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
  private static final Duration SIGNAL_RETENTION = Duration.ofDays(7);
  private static final Duration OUTPUT_RETENTION = Duration.ofDays(30);

  private final String prefix;
  private final Topic<String, LoginEvent> login;
  private final Topic<String, AccessEvent> access;
  private final Topic<String, DevicePosture> devicePosture;
  private final Topic<String, NetworkFlow> networkFlow;
  private final Topic<String, ExternalSignal> external;
  private final Topic<String, AccessGrant> grants;
  private final Topic<String, ThreatIndicator> threatIntel;
  private final Topic<String, PolicyDocument> policy;
  private final Topic<String, ServiceEdge> serviceEdges;
  private final Topic<String, SubjectProfile> subjects;
  private final Topic<String, NetworkRange> networks;
  private final Topic<String, RiskFinding> findings;
  private final Topic<String, SubjectRisk> scores;
  private final Topic<String, RiskAlert> alerts;
  private final Topic<String, EnforcementCommand> commands;
  private final Topic<String, String> sets;
  private final Topic<String, EnforcementCommand> audit;
  private final Topic<byte[], byte[]> deadLetters;
  private final AvroSerdeFactory avro;
  private final Map<String, Topic<String, ?>> signals = new ConcurrentHashMap<>();
  private final Map<String, Class<?>> signalTypes = new ConcurrentHashMap<>();
  private final List<Topic<byte[], byte[]>> raw;
  private final Map<String, Topic<byte[], byte[]>> mappedRaw = new ConcurrentHashMap<>();
  private final Topic<String, String> ssfStreams;
  private final Topic<String, String> ssfPositions;

  private Topics(String prefix, AvroSerdeFactory avro) {
    this.prefix = prefix;
    this.avro = avro;
    Serde<String> key = Serdes.String();
    login = signal("signals.login", LoginEvent.class);
    access = signal("signals.access", AccessEvent.class);
    devicePosture = signal("signals.device-posture", DevicePosture.class);
    networkFlow = signal("signals.network-flow", NetworkFlow.class);
    external = signal("signals.external", ExternalSignal.class);
    grants = signal("access.grants", AccessGrant.class);
    threatIntel =
        new Topic<>(
            name("reference.threat-intel"),
            key,
            avro.valueSerde(ThreatIndicator.class),
            TopicSpec.table());
    policy =
        new Topic<>(
            name("reference.policy"),
            key,
            avro.valueSerde(PolicyDocument.class),
            TopicSpec.table());
    serviceEdges =
        new Topic<>(
            name("reference.service-edges"),
            key,
            avro.valueSerde(ServiceEdge.class),
            TopicSpec.table());
    subjects =
        new Topic<>(
            name("reference.subjects"),
            key,
            avro.valueSerde(SubjectProfile.class),
            TopicSpec.table());
    networks =
        new Topic<>(
            name("reference.networks"),
            key,
            avro.valueSerde(NetworkRange.class),
            TopicSpec.table());
    findings =
        new Topic<>(name("risk.findings"), key, avro.valueSerde(RiskFinding.class), output());
    scores =
        new Topic<>(
            name("risk.scores"), key, avro.valueSerde(SubjectRisk.class), TopicSpec.table());
    alerts = new Topic<>(name("risk.alerts"), key, avro.valueSerde(RiskAlert.class), output());
    commands =
        new Topic<>(
            name("enforcement.commands"), key, avro.valueSerde(EnforcementCommand.class), output());
    sets = new Topic<>(name("enforcement.sets"), key, Serdes.String(), output());
    audit =
        new Topic<>(
            name("enforcement.audit"), key, avro.valueSerde(EnforcementCommand.class), output());
    deadLetters = new Topic<>(name("dlq"), Serdes.ByteArray(), Serdes.ByteArray(), output());
    ssfStreams = new Topic<>(name("ssf.streams"), key, Serdes.String(), TopicSpec.table());
    ssfPositions = new Topic<>(name("ssf.positions"), key, Serdes.String(), TopicSpec.table());
    raw = RAW_FORMATS.stream().map(this::rawTopic).toList();
  }

  /** The built-in ingest formats, each with a raw topic {@code <prefix>.raw.<format>.v1}. */
  public static final List<String> RAW_FORMATS =
      List.of("windows-security", "okta", "entra-signin", "zeek-conn", "ocsf", "cloudtrail");

  private static final Pattern FORMAT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,60}");

  private Topic<byte[], byte[]> rawTopic(String format) {
    return new Topic<>(name("raw." + format), Serdes.ByteArray(), Serdes.ByteArray(), signal());
  }

  /**
   * Builds the registry.
   *
   * @param prefix topic prefix, letters, digits, dot, dash or underscore
   * @param avro serde factory bound to the schema registry
   * @throws IllegalArgumentException if the prefix is not a legal topic-name prefix
   */
  public static Topics create(String prefix, AvroSerdeFactory avro) {
    Objects.requireNonNull(avro, "avro");
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(
          "Topic prefix '"
              + prefix
              + "' is not valid: use 1-100 letters, digits, '.', '_' or '-'.");
    }
    return new Topics(prefix, avro);
  }

  private String name(String base) {
    return prefix + "." + base + ".v1";
  }

  private static TopicSpec signal() {
    return TopicSpec.stream(SIGNAL_RETENTION);
  }

  private static TopicSpec output() {
    return TopicSpec.stream(OUTPUT_RETENTION);
  }

  /** The topic prefix in use. */
  public String prefix() {
    return prefix;
  }

  /** Sign-in attempts, keyed by subject. */
  public Topic<String, LoginEvent> login() {
    return login;
  }

  /** Access decisions at enforcement points, keyed by subject. */
  public Topic<String, AccessEvent> access() {
    return access;
  }

  /** Device posture reports, keyed by device id. */
  public Topic<String, DevicePosture> devicePosture() {
    return devicePosture;
  }

  /** Workload network flows, keyed by source workload. */
  public Topic<String, NetworkFlow> networkFlow() {
    return networkFlow;
  }

  /** Generic external risk signals, keyed by subject. */
  public Topic<String, ExternalSignal> external() {
    return external;
  }

  /** Just-in-time access grants, keyed by subject. */
  public Topic<String, AccessGrant> grants() {
    return grants;
  }

  /** Threat-intelligence indicators (compacted), keyed by {@code TYPE:value}. */
  public Topic<String, ThreatIndicator> threatIntel() {
    return threatIntel;
  }

  /** Decision policies (compacted), keyed by policy id. */
  public Topic<String, PolicyDocument> policy() {
    return policy;
  }

  /** Allowed service edges (compacted), keyed by {@code source|destination}. */
  public Topic<String, ServiceEdge> serviceEdges() {
    return serviceEdges;
  }

  /** What is known about subjects and assets (compacted), keyed by subject; feeds criticality. */
  public Topic<String, SubjectProfile> subjects() {
    return subjects;
  }

  /**
   * Known network ranges (compacted), keyed by CIDR: trusted and corporate-VPN egress, relays,
   * anonymizers.
   */
  public Topic<String, NetworkRange> networks() {
    return networks;
  }

  /** Detector findings, keyed by subject. */
  public Topic<String, RiskFinding> findings() {
    return findings;
  }

  /** Current fused risk per subject (compacted), keyed by subject. */
  public Topic<String, SubjectRisk> scores() {
    return scores;
  }

  /** Risk level changes for analysts, keyed by subject. */
  public Topic<String, RiskAlert> alerts() {
    return alerts;
  }

  /** Enforced decisions for enforcement points, keyed by subject. */
  public Topic<String, EnforcementCommand> commands() {
    return commands;
  }

  /** The same decisions as signed CAEP Security Event Tokens (compact JWS), keyed by subject. */
  public Topic<String, String> sets() {
    return sets;
  }

  /** Every decision including audit-mode ones, keyed by subject. */
  public Topic<String, EnforcementCommand> audit() {
    return audit;
  }

  /** Records that could not be read or processed, with headers saying what and why. */
  public Topic<byte[], byte[]> deadLetters() {
    return deadLetters;
  }

  /**
   * The topic of a signal family (kept for 7 days, keyed as the family says), created on first use
   * and the same object afterwards.
   *
   * @param base the name without prefix and version, e.g. {@code signals.login}
   * @param type the Avro value class
   * @throws IllegalArgumentException if the name is already used with another value class
   */
  @SuppressWarnings("unchecked")
  public <V extends SpecificRecord> Topic<String, V> signal(String base, Class<V> type) {
    String name = name(base);
    Topic<String, ?> topic =
        signals.computeIfAbsent(
            name, n -> new Topic<>(n, Serdes.String(), avro.valueSerde(type), signal()));
    Class<?> known = signalTypes.computeIfAbsent(name, n -> type);
    if (known != type) {
      throw new IllegalArgumentException(
          "Topic " + name + " carries " + known.getSimpleName() + ", not " + type.getSimpleName());
    }
    return (Topic<String, V>) topic;
  }

  /** Raw source records (JSON as shippers write them) of every built-in format. */
  public List<Topic<byte[], byte[]>> raw() {
    return raw;
  }

  /**
   * The raw topic of an ingest format, built-in or from a mapping file. A format that is not built
   * in is remembered, so {@link #all()} lists its raw topic from then on (and {@code vigil topics
   * create} creates it).
   *
   * @param format lower-case letters, digits, '-' or '_'
   * @throws IllegalArgumentException if the name cannot be part of a topic name
   */
  public Topic<byte[], byte[]> raw(String format) {
    if (format == null || !FORMAT.matcher(format).matches()) {
      throw new IllegalArgumentException(
          "Format name '" + format + "' is not valid: use lower-case letters, digits, '-' or '_'.");
    }
    int i = RAW_FORMATS.indexOf(format);
    return i >= 0 ? raw.get(i) : mappedRaw.computeIfAbsent(format, this::rawTopic);
  }

  /** SSF stream configurations as JSON (compacted), keyed by stream id; a tombstone deletes. */
  public Topic<String, String> ssfStreams() {
    return ssfStreams;
  }

  /** SSF poll-delivery positions as JSON (compacted), keyed by stream id. */
  public Topic<String, String> ssfPositions() {
    return ssfPositions;
  }

  /**
   * Every topic, inputs first (signal topics of families and raw topics of mapping-file formats not
   * yet asked for are not listed).
   */
  public List<Topic<?, ?>> all() {
    List<Topic<?, ?>> all = new ArrayList<>(raw);
    mappedRaw.values().stream().sorted(Comparator.comparing(Topic::name)).forEach(all::add);
    all.addAll(fixed());
    signals.values().stream()
        .filter(t -> !all.contains(t))
        .sorted(Comparator.comparing(Topic::name))
        .forEach(all::add);
    return List.copyOf(all);
  }

  private List<Topic<?, ?>> fixed() {
    return List.of(
        login,
        access,
        devicePosture,
        networkFlow,
        external,
        grants,
        threatIntel,
        policy,
        serviceEdges,
        subjects,
        networks,
        findings,
        scores,
        alerts,
        commands,
        sets,
        audit,
        deadLetters,
        ssfStreams,
        ssfPositions);
  }
}
