package dev.vigil.it;

import java.util.Map;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * Kafka's in-JVM KRaft cluster with three brokers and one separate controller (three combined nodes
 * hang on close), replication factor 3 and {@code min.insync.replicas=2} for every topic, the
 * transaction log and the offsets topic included; a broker can be stopped and started again.
 */
final class ThreeBrokerCluster implements AutoCloseable {

  /** Broker settings: every topic on all three brokers, writes need two in sync. */
  static final Map<String, String> SETTINGS =
      Map.of(
          "default.replication.factor", "3",
          "min.insync.replicas", "2",
          "offsets.topic.replication.factor", "3",
          "transaction.state.log.replication.factor", "3",
          "transaction.state.log.min.isr", "2",
          "group.initial.rebalance.delay.ms", "0",
          "auto.create.topics.enable", "false",
          // A loaded 2-core machine can delay heartbeats to the controller in the same JVM.
          "broker.session.timeout.ms", "60000");

  private final KafkaClusterTestKit cluster;
  private final String bootstrapServers;
  private boolean closed;

  private ThreeBrokerCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
    this.bootstrapServers = cluster.bootstrapServers();
  }

  /** Formats and starts the cluster and waits for its brokers. */
  static ThreeBrokerCluster start() throws Exception {
    TestKitNodes nodes =
        new TestKitNodes.Builder()
            .setCombined(false)
            .setNumBrokerNodes(3)
            .setNumControllerNodes(1)
            .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
            .build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    SETTINGS.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    return new ThreeBrokerCluster(cluster);
  }

  /** The three brokers' addresses, as they were at start. */
  String bootstrapServers() {
    return bootstrapServers;
  }

  /** The broker ids. */
  java.util.Set<Integer> brokerIds() {
    return cluster.brokers().keySet();
  }

  /** Stops one broker (a controlled shutdown: its partitions' leadership moves away). */
  void stopBroker(int id) {
    cluster.brokers().get(id).shutdown();
    cluster.brokers().get(id).awaitShutdown();
  }

  /** How many times a stopped broker is started before its start-up failure is the test's. */
  static final int START_ATTEMPTS = 3;

  /**
   * Starts a stopped broker again, on its own log directories. A start-up can fail on a loaded
   * machine when the broker's lifecycle manager gives up waiting for the controller to see it
   * caught up (the broker then shuts itself down, as BrokerServer does on any start-up failure); it
   * is started again, up to {@value #START_ATTEMPTS} times.
   */
  void startBroker(int id) {
    var broker = cluster.brokers().get(id);
    for (int attempt = 1; ; attempt++) {
      try {
        broker.startup();
        return;
      } catch (RuntimeException e) {
        if (attempt >= START_ATTEMPTS) {
          throw e;
        }
        broker.awaitShutdown();
      }
    }
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true; // The test kit's close() is not idempotent.
      try {
        cluster.close();
      } catch (Exception e) {
        throw new IllegalStateException("Could not stop the three-broker cluster", e);
      }
    }
  }
}
