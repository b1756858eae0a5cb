package dev.vigil.app;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import dev.vigil.app.http.ApiError;
import dev.vigil.app.http.Caller;
import dev.vigil.app.http.HttpApi;
import dev.vigil.app.http.HttpAuthorizer;
import dev.vigil.app.http.HttpRoutes;
import dev.vigil.app.http.HttpSecurity;
import dev.vigil.app.http.RiskForwarder;
import dev.vigil.app.http.StreamsRiskQuery;
import dev.vigil.app.ingest.Formats;
import dev.vigil.app.ingest.Mapping;
import dev.vigil.app.metrics.KafkaMetricsFilter;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.ssf.Ssf;
import dev.vigil.app.ssf.SsfAuthorizer;
import dev.vigil.app.topics.TopicAdmin;
import dev.vigil.app.topology.PolicyHolder;
import dev.vigil.app.topology.TopologyDependencies;
import dev.vigil.app.topology.VigilTopology;
import dev.vigil.enforcement.SecurityEventTokens;
import dev.vigil.enforcement.SetIssuer;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.risk.signal.SignalFamily;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles Vigil from configuration: the topic registry bound to the schema registry, detectors,
 * reference data, the policy holder, metrics, the SET signer, the pipeline and the HTTP API. The
 * one place where configuration meets the pure topology builder.
 */
public final class VigilApplication implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(VigilApplication.class);

  /** The policy id instances follow unless {@code policy.id} says otherwise. */
  public static final String DEFAULT_POLICY_ID = "vigil-default";

  private final VigilConfig config;
  private final Topics topics;
  private final VigilMetrics metrics;
  private final PrometheusMeterRegistry prometheus;
  private final Runnable jvmMetrics;
  private final ReferenceData reference = new ReferenceData();
  private final PolicyHolder policy;
  private final Pipeline pipeline;
  private final SetIssuer sets;
  private final List<Consumer<HttpRoutes>> httpExtensions = new ArrayList<>();
  private HttpApi http;
  private Ssf ssf;
  private SsfAuthorizer ssfAuthorizer;

  /**
   * Assembles the application (not started).
   *
   * @param config the effective configuration
   */
  public VigilApplication(VigilConfig config) {
    this.config = config;
    this.topics = topics(config);
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus
        .config()
        .meterFilter(KafkaMetricsFilter.forDetail(config.get(Settings.METRICS_KAFKA_DETAIL)));
    this.jvmMetrics = VigilMetrics.bindJvm(prometheus);
    this.metrics = new VigilMetrics(prometheus);
    this.policy =
        new PolicyHolder(config.get(Settings.POLICY_ID), PolicyParser.defaultPolicy(), metrics);
    this.sets = setIssuer(config);
    TopologyDependencies deps =
        dependencies(config, reference, policy, metrics)
            .withSets(sets)
            .withSignalPartitions(TopicAdmin.partitionCounts(config, signalTopics(topics)));
    this.pipeline =
        new Pipeline(
            VigilTopology.build(topics, deps), streamsProperties(config, topics, metrics), metrics);
  }

  /**
   * What the topology needs, from configuration: detectors with their parameters, reference data,
   * fusion, the policy holder, the decay interval and metrics (no SETs, every signal repartitioned
   * until partition counts are given). Tests build the production topology from this.
   */
  public static TopologyDependencies dependencies(
      VigilConfig config, ReferenceData reference, PolicyHolder policy, VigilMetrics metrics) {
    DetectorSettings detectorSettings = config.detectorSettings();
    DetectorCatalog catalog = SignalFamilies.catalog(detectorSettings);
    // Every finding id is a meter from the start, so alert rules can be written before incidents.
    metrics.detectors(catalog.findingIds());
    return new TopologyDependencies(
            catalog,
            new DetectionContext(reference, detectorSettings),
            FusionSettings.from(detectorSettings),
            policy,
            config.get(Settings.DECAY_INTERVAL),
            metrics,
            config.get(Settings.DEVICE_CHECK_INTERVAL))
        .withRawMappings(rawMappings(config));
  }

  /**
   * The mappings of the raw-topic stage: the configured built-in formats and mapping files.
   *
   * @throws VigilConfigException with one sentence if a format is unknown or a file is unusable
   */
  public static List<Mapping> rawMappings(VigilConfig config) {
    List<Mapping> mappings = new java.util.ArrayList<>();
    try {
      for (String format : config.get(Settings.INGEST_RAW_FORMATS).split(",")) {
        if (!format.isBlank()) {
          mappings.add(Formats.get(format.strip()));
        }
      }
      for (String file : config.get(Settings.INGEST_RAW_MAPPINGS).split(",")) {
        if (!file.isBlank()) {
          mappings.add(Mapping.load(Path.of(file.strip())));
        }
      }
    } catch (RuntimeException e) {
      throw new VigilConfigException("Setting 'ingest.raw.*': " + e.getMessage(), e);
    }
    return mappings;
  }

  /**
   * Lists the raw topics of the configured mapping files ({@code ingest.raw.mappings}) in {@code
   * topics} too, so that creating {@link Topics#all()} creates them; the built-in formats' raw
   * topics are always listed.
   *
   * @return {@code topics}
   * @throws VigilConfigException with one sentence if a mapping file is unusable
   */
  public static Topics withMappedRawTopics(Topics topics, VigilConfig config) {
    for (Mapping mapping : rawMappings(config)) {
      topics.raw(mapping.name());
    }
    return topics;
  }

  /**
   * Kafka Streams properties from configuration with everything a Vigil deployment needs:
   * dead-letter handling, exactly-once unless configured otherwise. Tests use the same.
   */
  public static Properties streamsProperties(
      VigilConfig config, Topics topics, VigilMetrics metrics) {
    return Pipeline.withVigilDefaults(config.streamsProperties(), topics, metrics);
  }

  /** The topic names of every signal family. */
  public static List<String> signalTopics(Topics topics) {
    return SignalFamilies.ALL.stream().map(f -> signalTopic(topics, f).name()).toList();
  }

  private static <E extends SpecificRecord> Topic<String, E> signalTopic(
      Topics topics, SignalFamily<E> family) {
    return topics.signal(family.topic(), family.type());
  }

  /** The topic registry for a configuration, with serdes bound to its schema registry. */
  public static Topics topics(VigilConfig config) {
    Map<String, Object> serde = new HashMap<>();
    serde.put("schema.registry.url", config.schemaRegistryUrl());
    serde.put("vigil.max.record.bytes", Integer.toString(config.maxRecordBytes()));
    config.kafkaProperties().forEach(serde::putIfAbsent);
    Topics topics = Topics.create(config.topicPrefix(), RegistryAvroSerdeFactory.fromConfig(serde));
    SignalFamilies.ALL.forEach(family -> signalTopic(topics, family));
    return topics;
  }

  /**
   * The SET issuer a configuration asks for: none when {@code sets.enabled=false}; the keystore's
   * key when {@code sets.keystore.path} is set; otherwise a fresh RSA key (logged by its kid).
   *
   * @throws VigilConfigException with one sentence if the keystore cannot be used
   */
  public static SetIssuer setIssuer(VigilConfig config) {
    if (!config.get(Settings.SETS_ENABLED)) {
      return null;
    }
    List<String> audience =
        Arrays.stream(config.get(Settings.SETS_AUDIENCE).split(","))
            .map(String::strip)
            .filter(a -> !a.isEmpty())
            .toList();
    SecurityEventTokens tokens =
        new SecurityEventTokens(config.get(Settings.SETS_ISSUER), audience);
    String path = config.get(Settings.SETS_KEYSTORE_PATH).strip();
    String keyFile = config.get(Settings.SETS_KEY_PATH).strip();
    if (!path.isEmpty() && !keyFile.isEmpty()) {
      throw new VigilConfigException(
          "Settings 'sets.keystore.path' and 'sets.key.path' both name a signing key; keep one.");
    }
    SetSigner signer;
    try {
      if (!keyFile.isEmpty()) {
        signer = SetSigner.fromKeyFile(readable(keyFile, "sets.key.path"));
        LOG.info("Signing SETs with the key of {}, kid {}.", keyFile, signer.keyId());
      } else if (!path.isEmpty()) {
        Path keystore = readable(path, "sets.keystore.path");
        char[] password = config.get(Settings.SETS_KEYSTORE_PASSWORD).toCharArray();
        signer =
            SetSigner.fromKeystore(keystore, password, config.get(Settings.SETS_KEY_ALIAS))
                .withPreviousKeys(
                    SetSigner.publicKeysFromKeystore(
                        keystore,
                        password,
                        list(config.get(Settings.SETS_KEYSTORE_PREVIOUS_ALIASES))));
        LOG.info(
            "Signing SETs with key '{}' of {}, kid {}.",
            config.get(Settings.SETS_KEY_ALIAS),
            keystore,
            signer.keyId());
      } else {
        signer = SetSigner.generate();
        LOG.info(
            "No sets.keystore.path or sets.key.path: generated an RSA key for SETs, kid {} (it"
                + " changes on restart and differs between instances).",
            signer.keyId());
      }
      List<com.nimbusds.jose.jwk.RSAKey> previous = new ArrayList<>();
      for (String file : list(config.get(Settings.SETS_KEY_PREVIOUS_PATHS))) {
        previous.add(SetSigner.readKeyFile(readable(file, "sets.key.previous.paths")));
      }
      signer = signer.withPreviousKeys(previous);
    } catch (IllegalArgumentException e) {
      throw new VigilConfigException(e.getMessage(), e);
    }
    return new SetIssuer(tokens, signer);
  }

  private static List<String> list(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::strip)
        .filter(a -> !a.isEmpty())
        .toList();
  }

  private static Path readable(String path, String key) {
    Path p = Path.of(path);
    if (!Files.isReadable(p)) {
      throw new VigilConfigException(
          "Setting '" + key + "' names " + p + ", which cannot be read.");
    }
    return p;
  }

  /**
   * Starts the HTTP API (unless {@code http.port} is -1), then the pipeline, and waits until it
   * runs. The API comes first so that {@code /health} and {@code /ready} answer during start-up.
   */
  public void start(Duration maxWait) {
    int port = config.httpPort();
    if (port >= 0) {
      String server = config.kafkaProperties().get("application.server");
      HostInfo self = server == null ? null : HostInfo.buildFromEndpoint(server);
      HttpSecurity security = HttpSecurity.from(config);
      if (security.mode().equals(HttpSecurity.JWT) && !security.jwtConfigured()) {
        LOG.warn(
            "http.auth.mode is jwt but http.auth.jwt.issuer, .jwks.uri or .audience is not set:"
                + " every HTTP endpoint but /health refuses callers.");
      } else if (security.mode().equals(HttpSecurity.STATIC_TOKEN)
          || security.mode().equals(HttpSecurity.NONE)) {
        LOG.warn("http.auth.mode is {}: for development only.", security.mode());
      }
      if (sets != null && config.get(Settings.SSF_ENABLED)) {
        ssf = Ssf.start(config, topics, sets.signer(), ssfAuthorizer(security));
      }
      try {
        HttpApi.Builder api =
            HttpApi.builder()
                .port(port)
                .security(security)
                .state(() -> pipeline.streams().state())
                .restoring(pipeline::restoringPartitions)
                .metrics(this::scrape)
                .jwks(() -> sets == null ? null : sets.signer().jwksJson())
                .risk(new StreamsRiskQuery(pipeline.streams(), self))
                .forwarder(new RiskForwarder(security.tls(), Duration.ofSeconds(5)))
                .self(server)
                .clock(Clock.systemUTC());
        httpExtensions.forEach(api::extension);
        if (ssf != null) {
          Ssf started = ssf;
          api.extension(routes -> routes.javalin(started.routes()));
        }
        http = api.start();
      } catch (VigilConfigException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "The HTTP API could not listen on "
                + security.bindAddress()
                + ":"
                + port
                + "; set http.port to a free port.",
            e);
      }
      LOG.info(
          "HTTP API on {}:{} (auth {}).", security.bindAddress(), http.port(), security.mode());
    }
    StartupProbe.awaitDependencies(
        config.clientProperties(),
        config.schemaRegistryUrl(),
        config.get(Settings.STARTUP_MAX_WAIT));
    if (config.stateCleanupOnStart()) {
      LOG.info(
          "state.cleanup.on.start: wiping this instance's local state; it is restored from changelogs.");
      pipeline.streams().cleanUp();
    }
    pipeline.start(maxWait);
  }

  /**
   * Adds routes to the HTTP API (e.g. the SSF transmitter's); call before {@link #start}. Routes
   * are authenticated through {@link HttpRoutes#add} with a scope, or by calling {@link
   * HttpRoutes#authorizer()} in the handler.
   */
  public void addHttpRoutes(Consumer<HttpRoutes> extension) {
    httpExtensions.add(extension);
  }

  /** The HTTP API's served routes, path to methods; empty when it is off or not started. */
  public Map<String, java.util.Set<String>> httpRoutes() {
    return http == null ? Map.of() : http.routes();
  }

  /**
   * Sets who may manage SSF streams (scopes {@code ssf.read}, {@code ssf.manage}); call before
   * {@link #start}. Without one, {@code ssf.dev.token} is used if set, else management is refused.
   */
  public void useSsfAuthorizer(SsfAuthorizer authorizer) {
    this.ssfAuthorizer = authorizer;
  }

  /** The SSF services, or null when SSF is off or not started. */
  public Ssf ssf() {
    return ssf;
  }

  /**
   * Who may manage SSF streams: the authorizer set with {@link #useSsfAuthorizer}; else, when
   * {@code ssf.dev.token} is set, that development token (null here); else the HTTP API's own
   * authentication (bearer JWT with scopes {@code ssf.read} / {@code ssf.manage}).
   */
  private SsfAuthorizer ssfAuthorizer(HttpSecurity security) {
    if (ssfAuthorizer != null || !config.get(Settings.SSF_DEV_TOKEN).isBlank()) {
      return ssfAuthorizer;
    }
    HttpAuthorizer http = new HttpAuthorizer(security);
    return (header, scope) -> {
      try {
        Caller caller = http.authenticateHeader(header);
        return caller.has(scope)
            ? SsfAuthorizer.Decision.allow(caller.name())
            : SsfAuthorizer.Decision.forbidden(
                "The caller '" + caller.name() + "' lacks the scope '" + scope + "'.");
      } catch (ApiError e) {
        return e.status() == 403
            ? SsfAuthorizer.Decision.forbidden(e.getMessage())
            : SsfAuthorizer.Decision.unauthenticated(e.getMessage());
      }
    };
  }

  /** The HTTP API's port, or -1 when it is off or not started. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The SET issuer, or null when SETs are off. */
  public SetIssuer sets() {
    return sets;
  }

  /** The topics. */
  public Topics topics() {
    return topics;
  }

  /** Vigil's meters. */
  public VigilMetrics metrics() {
    return metrics;
  }

  /** Metrics in the Prometheus text format, without NaN samples. */
  public String scrape() {
    return VigilMetrics.withoutNaN(prometheus.scrape());
  }

  /** The pipeline. */
  public Pipeline pipeline() {
    return pipeline;
  }

  /** The configuration in effect. */
  public VigilConfig config() {
    return config;
  }

  @Override
  public void close() {
    if (http != null) {
      http.close();
    }
    if (ssf != null) {
      ssf.close();
    }
    pipeline.close(config.shutdownTimeout());
    jvmMetrics.run();
    prometheus.close();
  }
}
