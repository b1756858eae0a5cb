package dev.vigil.app;

import dev.vigil.app.config.Settings;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.config.VigilConfigException;
import dev.vigil.app.http.HttpApi;
import dev.vigil.app.http.StreamsRiskQuery;
import dev.vigil.app.metrics.KafkaMetricsFilter;
import dev.vigil.app.metrics.VigilMetrics;
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
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** The policy id instances follow unless configured otherwise. */
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
  private HttpApi http;

  /**
   * Assembles the application (not started).
   *
   * @param config the effective configuration
   */
  public VigilApplication(VigilConfig config) {
    Duration decayInterval = config.get(Settings.DECAY_INTERVAL);
    this.config = config;
    this.topics = topics(config);
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus
        .config()
        .meterFilter(KafkaMetricsFilter.forDetail(config.get(Settings.METRICS_KAFKA_DETAIL)));
    this.jvmMetrics = VigilMetrics.bindJvm(prometheus);
    this.metrics = new VigilMetrics(prometheus);
    this.policy = new PolicyHolder(DEFAULT_POLICY_ID, PolicyParser.defaultPolicy(), metrics);
    DetectorSettings detectorSettings = DetectorSettings.defaults();
    DetectorCatalog catalog = DetectorCatalog.defaults(detectorSettings);
    metrics.detectors(catalog.findingIds());
    TopologyDependencies deps =
        new TopologyDependencies(
            catalog,
            new DetectionContext(reference, detectorSettings),
            FusionSettings.defaults(),
            policy,
            decayInterval,
            metrics);
    this.sets = setIssuer(config);
    deps = deps.withSets(sets);
    this.pipeline =
        new Pipeline(
            VigilTopology.build(topics, deps),
            Pipeline.withVigilDefaults(config.streamsProperties(), topics, metrics),
            metrics);
  }

  /** The topic registry for a configuration, with serdes bound to its schema registry. */
  public static Topics topics(VigilConfig config) {
    Map<String, Object> serde = new HashMap<>();
    serde.put("schema.registry.url", config.schemaRegistryUrl());
    serde.put("vigil.max.record.bytes", Integer.toString(config.maxRecordBytes()));
    config.kafkaProperties().forEach(serde::putIfAbsent);
    return Topics.create(config.topicPrefix(), RegistryAvroSerdeFactory.fromConfig(serde));
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
    SetSigner signer;
    if (path.isEmpty()) {
      signer = SetSigner.generate();
      LOG.info(
          "No sets.keystore.path: generated an RSA key for SETs, kid {} (it changes on restart).",
          signer.keyId());
    } else {
      Path keystore = Path.of(path);
      if (!Files.isReadable(keystore)) {
        throw new VigilConfigException(
            "Setting 'sets.keystore.path' names " + keystore + ", which cannot be read.");
      }
      try {
        signer =
            SetSigner.fromKeystore(
                keystore,
                config.get(Settings.SETS_KEYSTORE_PASSWORD).toCharArray(),
                config.get(Settings.SETS_KEY_ALIAS));
      } catch (IllegalArgumentException e) {
        throw new VigilConfigException(e.getMessage(), e);
      }
      LOG.info(
          "Signing SETs with key '{}' of {}, kid {}.",
          config.get(Settings.SETS_KEY_ALIAS),
          keystore,
          signer.keyId());
    }
    return new SetIssuer(tokens, signer);
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
      try {
        http =
            new HttpApi(
                port,
                () -> pipeline.streams().state(),
                this::scrape,
                sets == null ? null : sets.signer().jwksJson(),
                new StreamsRiskQuery(pipeline.streams(), self),
                Clock.systemUTC());
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "The HTTP API could not listen on port " + port + "; set http.port to a free port.", e);
      }
      LOG.info("HTTP API on port {}.", http.port());
    }
    pipeline.start(maxWait);
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
    pipeline.close(config.shutdownTimeout());
    jvmMetrics.run();
    prometheus.close();
  }
}
