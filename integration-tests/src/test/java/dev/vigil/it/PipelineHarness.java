package dev.vigil.it;

import dev.vigil.app.Pipeline;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.topology.PolicyHolder;
import dev.vigil.app.topology.TopologyDependencies;
import dev.vigil.app.topology.VigilTopology;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.risk.signal.SignalFamilies;
import dev.vigil.schemas.serde.RegistryAvroSerdeFactory;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;

/**
 * One Vigil pipeline on a real broker with its own topic prefix and application id, so tests never
 * see each other's data.
 */
final class PipelineHarness implements AutoCloseable {

  final String bootstrap;
  final Topics topics;
  final VigilMetrics metrics = VigilMetrics.inMemory();
  final String applicationId;
  final String registryUrl;
  final PolicyHolder policy =
      new PolicyHolder("vigil-default", PolicyParser.defaultPolicy(), metrics);
  private final Path stateDir;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Pipeline pipeline;

  PipelineHarness(String bootstrap, String registryUrl, Path stateDir) {
    this(bootstrap, registryUrl, stateDir, "it" + UUID.randomUUID().toString().substring(0, 8));
  }

  private PipelineHarness(String bootstrap, String registryUrl, Path stateDir, String prefix) {
    this.bootstrap = bootstrap;
    this.registryUrl = registryUrl;
    this.stateDir = stateDir;
    this.applicationId = "vigil-" + prefix + "-" + UUID.randomUUID().toString().substring(0, 4);
    this.topics =
        Topics.create(
            prefix,
            RegistryAvroSerdeFactory.fromConfig(Map.of("schema.registry.url", registryUrl)));
  }

  /**
   * A second pipeline over the same topics with a new application id and empty state: it
   * reprocesses every input from the beginning, as after a disaster recovery or a reset.
   */
  PipelineHarness replay(Path newStateDir) {
    return new PipelineHarness(bootstrap, registryUrl, newStateDir, topics.prefix());
  }

  /** The CLI flags that point {@code vigil} at this harness's broker, registry and topics. */
  String[] cliFlags() {
    return new String[] {
      "--bootstrap-servers",
      bootstrap,
      "--topic-prefix",
      topics.prefix(),
      "--set",
      "schema.registry.url=" + registryUrl
    };
  }

  /** Partitions of every topic {@link #createTopics} creates. */
  static final int PARTITIONS = 3;

  /** Creates every topic with {@value #PARTITIONS} partitions. */
  PipelineHarness createTopics() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      List<NewTopic> all = new ArrayList<>();
      for (Topic<?, ?> t : topics.all()) {
        all.add(new NewTopic(t.name(), PARTITIONS, (short) 1).configs(t.spec().configs()));
      }
      admin.createTopics(all).all().get();
    }
    return this;
  }

  /** Starts the pipeline with the default detectors and policy. */
  PipelineHarness start() {
    TopologyDependencies deps =
        new TopologyDependencies(
                SignalFamilies.catalog(DetectorSettings.defaults()),
                new DetectionContext(new ReferenceData(), DetectorSettings.defaults()),
                FusionSettings.defaults(),
                policy,
                Duration.ofSeconds(2),
                metrics)
            // As the application does: the signal topics' partition counts (createTopics: 3), so
            // findings about a signal's own subject are scored in its transaction.
            .withSignalPartitions(topic -> PARTITIONS);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 1000);
    pipeline =
        new Pipeline(
            VigilTopology.build(topics, deps),
            Pipeline.withVigilDefaults(props, topics, metrics),
            metrics);
    pipeline.start(Duration.ofSeconds(60));
    return this;
  }

  /** A producer for a topic's types. */
  <K, V> KafkaProducer<K, V> producer(Topic<K, V> topic) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<K, V> p =
        new KafkaProducer<>(cfg, topic.keySerde().serializer(), topic.valueSerde().serializer());
    closeables.add(p);
    return p;
  }

  /** Sends records and waits until they are written. */
  <K, V> void send(Topic<K, V> topic, List<ProducerRecord<K, V>> records) throws Exception {
    KafkaProducer<K, V> p = producer(topic);
    for (ProducerRecord<K, V> r : records) {
      p.send(r).get();
    }
  }

  /** A read_committed consumer subscribed to a topic from the beginning. */
  <K, V> KafkaConsumer<K, V> consumer(Topic<K, V> topic) {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-reader-" + topic.name());
    cfg.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<K, V> c =
        new KafkaConsumer<>(
            cfg, topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    c.subscribe(List.of(topic.name()));
    closeables.add(c);
    return c;
  }

  /** Polls once and adds what arrived to the list. */
  static <K, V> void pollInto(KafkaConsumer<K, V> consumer, List<ConsumerRecord<K, V>> sink) {
    consumer.poll(Duration.ofMillis(200)).forEach(sink::add);
  }

  @Override
  public void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        throw new IllegalStateException("Could not close " + c, e);
      }
    }
    if (pipeline != null) {
      pipeline.close(Duration.ofSeconds(30));
    }
  }
}
