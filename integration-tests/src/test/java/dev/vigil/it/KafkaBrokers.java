package dev.vigil.it;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Starts a real broker: the {@code apache/kafka} image pinned to the client version when a Docker
 * engine is reachable, otherwise Kafka's own in-JVM KRaft cluster ({@link KafkaClusterTestKit}).
 */
final class KafkaBrokers {

  /** Broker settings a single-node cluster needs for transactions and fast group joins. */
  static final Map<String, String> SINGLE_NODE =
      Map.of(
          "offsets.topic.replication.factor", "1",
          "transaction.state.log.replication.factor", "1",
          "transaction.state.log.min.isr", "1",
          "group.initial.rebalance.delay.ms", "0",
          "auto.create.topics.enable", "false");

  private KafkaBrokers() {}

  /** Docker when available, else the in-JVM cluster. */
  static KafkaBroker start() {
    return dockerAvailable() ? container() : inJvm();
  }

  /** Whether a Docker engine answers. */
  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** The Testcontainers broker. */
  static KafkaBroker container() {
    String image = System.getProperty("kafka.image", "apache/kafka:4.3.1");
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
    SINGLE_NODE.forEach(
        (k, v) -> container.withEnv("KAFKA_" + k.toUpperCase().replace('.', '_'), v));
    container.start();
    return new KafkaBroker() {
      @Override
      public String bootstrapServers() {
        return container.getBootstrapServers();
      }

      @Override
      public String description() {
        return "Testcontainers " + image;
      }

      @Override
      public void close() {
        container.stop();
      }
    };
  }

  /** Kafka's in-JVM KRaft cluster: one combined broker and controller. */
  static KafkaBroker inJvm() {
    try {
      TestKitNodes nodes =
          new TestKitNodes.Builder()
              .setCombined(true)
              .setNumBrokerNodes(1)
              .setNumControllerNodes(1)
              .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
              .build();
      KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
      SINGLE_NODE.forEach(builder::setConfigProp);
      KafkaClusterTestKit cluster = builder.build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KafkaBroker() {
        private boolean closed;

        @Override
        public String bootstrapServers() {
          return cluster.bootstrapServers();
        }

        @Override
        public String description() {
          return "KafkaClusterTestKit (in-JVM KRaft)";
        }

        @Override
        public synchronized void close() {
          if (closed) {
            return; // The test kit's close() is not idempotent.
          }
          closed = true;
          try {
            cluster.close();
          } catch (Exception e) {
            throw new IllegalStateException("Could not stop the in-JVM Kafka cluster", e);
          }
        }
      };
    } catch (Exception e) {
      throw new IllegalStateException("Could not start the in-JVM Kafka cluster", e);
    }
  }
}
