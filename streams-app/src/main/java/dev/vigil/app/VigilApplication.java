package dev.vigil.app;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.PolicyHolder;
import dev.vigil.app.topology.TopologyDependencies;
import dev.vigil.app.topology.VigilTopology;
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
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Assembles Vigil from configuration: the topic registry bound to the schema registry, detectors,
 * reference data, the policy holder, metrics and the pipeline. The one place where configuration
 * meets the pure topology builder.
 */
public final class VigilApplication implements AutoCloseable {

  /** The policy id instances follow unless configured otherwise. */
  public static final String DEFAULT_POLICY_ID = "vigil-default";

  private final VigilConfig config;
  private final Topics topics;
  private final VigilMetrics metrics;
  private final PrometheusMeterRegistry prometheus;
  private final ReferenceData reference = new ReferenceData();
  private final PolicyHolder policy;
  private final Pipeline pipeline;

  /**
   * Assembles the application (not started).
   *
   * @param config the effective configuration
   * @param decayInterval how often risk decays when nothing arrives
   */
  public VigilApplication(VigilConfig config, Duration decayInterval) {
    this.config = config;
    this.topics = topics(config);
    this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new VigilMetrics(prometheus);
    this.policy = new PolicyHolder(DEFAULT_POLICY_ID, PolicyParser.defaultPolicy(), metrics);
    DetectorSettings detectorSettings = DetectorSettings.defaults();
    TopologyDependencies deps =
        new TopologyDependencies(
            DetectorCatalog.defaults(detectorSettings),
            new DetectionContext(reference, detectorSettings),
            FusionSettings.defaults(),
            policy,
            decayInterval,
            metrics);
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

  /** Starts the pipeline and waits until it runs. */
  public void start(Duration maxWait) {
    pipeline.start(maxWait);
  }

  /** The topics. */
  public Topics topics() {
    return topics;
  }

  /** Vigil's meters. */
  public VigilMetrics metrics() {
    return metrics;
  }

  /** Metrics in the Prometheus text format. */
  public String scrape() {
    return prometheus.scrape();
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
    pipeline.close(config.shutdownTimeout());
    prometheus.close();
  }
}
