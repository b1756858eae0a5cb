package dev.vigil.app.topology;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.enforcement.SetIssuer;
import dev.vigil.risk.decision.Policy;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The production topology under a {@link TopologyTestDriver}, built exactly as {@link
 * VigilApplication} builds it: the same configuration defaults (exactly-once, dead-letter handlers,
 * the global processing handler), the same detectors with parameters from settings, the same
 * policy. Only the schema registry is an in-memory one and the state directory a temporary one.
 */
public final class TopologyFixture implements AutoCloseable {

  /** The effective configuration. */
  public final VigilConfig config;

  /** The typed topics. */
  public final Topics topics;

  /** Vigil's meters. */
  public final VigilMetrics metrics = VigilMetrics.inMemory();

  /** Reference data the topology fills from its global topics. */
  public final ReferenceData reference = new ReferenceData();

  /** The policy in force. */
  public final PolicyHolder policy;

  /** The dependencies the topology was built with. */
  public final TopologyDependencies deps;

  /** The driver. */
  public final TopologyTestDriver driver;

  private TopologyFixture(Builder b) {
    VigilConfig c =
        VigilConfig.defaults()
            .with("schema.registry.url", "mock://" + UUID.randomUUID(), "by the test fixture")
            .with("application.id", "topology-test", "by the test fixture")
            .with("state.dir", b.stateDir.toString(), "by the test fixture");
    for (Map.Entry<String, String> e : b.settings.entrySet()) {
      c = c.with(e.getKey(), e.getValue(), "by the test");
    }
    config = c;
    topics = VigilApplication.topics(config);
    policy = new PolicyHolder(VigilApplication.DEFAULT_POLICY_ID, b.policy, metrics);
    // The driver has one partition per topic, so with one partition every signal and finding is
    // already in place; with more, those whose key hashes elsewhere take the repartition topics.
    int partitions = b.signalPartitions;
    deps =
        VigilApplication.dependencies(config, reference, policy, metrics)
            .withSets(b.sets)
            .withSignalPartitions(topic -> partitions);
    Properties props = VigilApplication.streamsProperties(config, topics, metrics);
    driver = new TopologyTestDriver(VigilTopology.build(topics, deps), props, b.wallClockStart);
  }

  /**
   * A fixture builder.
   *
   * @param stateDir a temporary state directory
   * @param wallClockStart the driver's initial wall-clock time
   */
  public static Builder builder(Path stateDir, Instant wallClockStart) {
    return new Builder(stateDir, wallClockStart);
  }

  /** The production topology with default settings and the default policy. */
  public static TopologyFixture create(Path stateDir, Instant wallClockStart) {
    return builder(stateDir, wallClockStart).build();
  }

  /** A test input topic. */
  public <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  /**
   * Findings arriving from another partition, as the scoring stage receives findings raised under a
   * source IP or a device: the input of scoring alone, without detectors.
   */
  public TestInputTopic<String, RiskFinding> remoteFindings() {
    Topic<String, RiskFinding> findings = topics.findings();
    return driver.createInputTopic(
        VigilTopology.findingsBySubjectTopic(config.applicationId()),
        findings.keySerde().serializer(),
        findings.valueSerde().serializer());
  }

  /** A test output topic. */
  public <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  @Override
  public void close() {
    driver.close();
  }

  /** Builds a fixture. */
  public static final class Builder {
    private final Path stateDir;
    private final Instant wallClockStart;
    private final Map<String, String> settings = new LinkedHashMap<>();
    private Policy policy = PolicyParser.defaultPolicy();
    private SetIssuer sets;
    private int signalPartitions = 1;

    private Builder(Path stateDir, Instant wallClockStart) {
      this.stateDir = stateDir;
      this.wallClockStart = wallClockStart;
    }

    /** A setting, as {@code --set key=value} would give it. */
    public Builder set(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /** The policy in force at start. */
    public Builder policy(Policy policy) {
      this.policy = policy;
      return this;
    }

    /** Signs decisions as SETs with this issuer. */
    public Builder sets(SetIssuer issuer) {
      this.sets = issuer;
      return this;
    }

    /**
     * The partition count the topology is told the signal topics have (default 1, as the driver
     * has). The driver still runs one task on partition 0, so with more, only keys that hash to
     * partition 0 are in place; the others go through the repartition topics, as they would on a
     * broker, and end up on the same task.
     */
    public Builder signalPartitions(int partitions) {
      this.signalPartitions = partitions;
      return this;
    }

    /** The fixture. */
    public TopologyFixture build() {
      return new TopologyFixture(this);
    }
  }
}
