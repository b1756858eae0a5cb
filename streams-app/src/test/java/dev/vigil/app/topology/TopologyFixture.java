package dev.vigil.app.topology;

import dev.vigil.app.errors.DeadLetterDeserializationHandler;
import dev.vigil.app.errors.DeadLetterProcessingHandler;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.schemas.registry.InProcessSchemaRegistry;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/** The whole Vigil topology under a {@link TopologyTestDriver}, with typed topic access. */
final class TopologyFixture implements AutoCloseable {

  final Topics topics;
  final VigilMetrics metrics = VigilMetrics.inMemory();
  final PolicyHolder policy;
  final TopologyDependencies deps;
  final TopologyTestDriver driver;

  /**
   * Builds the topology with the default catalogue and policy, decaying every ten seconds.
   *
   * @param registry schema registry for the Avro serdes
   * @param stateDir state directory
   * @param wallClockStart the driver's initial wall-clock time
   */
  TopologyFixture(InProcessSchemaRegistry registry, Path stateDir, Instant wallClockStart) {
    topics =
        Topics.create(
            "test",
            RegistryAvroSerdeFactory.fromConfig(Map.of("schema.registry.url", registry.url())));
    policy = new PolicyHolder("vigil-default", PolicyParser.defaultPolicy(), metrics);
    deps =
        new TopologyDependencies(
            DetectorCatalog.defaults(DetectorSettings.defaults()),
            DetectionContext.defaults(),
            FusionSettings.defaults(),
            policy,
            Duration.ofSeconds(10),
            metrics);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // These tests move event time ahead of the driver's wall clock on purpose.
    props.put(TimestampBounds.MAX_FUTURE_SKEW_MS_CONFIG, Duration.ofDays(365).toMillis());
    props.put(
        StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters().name());
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class);
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
    props.put(DeadLetters.METRICS_CONFIG, metrics);
    driver = new TopologyTestDriver(VigilTopology.build(topics, deps), props, wallClockStart);
  }

  <K, V> TestInputTopic<K, V> input(Topic<K, V> topic) {
    return driver.createInputTopic(
        topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
  }

  <K, V> TestOutputTopic<K, V> output(Topic<K, V> topic) {
    return driver.createOutputTopic(
        topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
  }

  @Override
  public void close() {
    driver.close();
  }
}
