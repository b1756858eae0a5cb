package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The Docker path of the broker fixture: runs only where a Docker engine is reachable and is
 * skipped (not failed) elsewhere.
 */
@Tag("integration")
@Timeout(300)
@Testcontainers(disabledWithoutDocker = true)
class TestcontainersBrokerTest {

  @Test
  void shouldServeTheClusterFromThePinnedImage() throws Exception {
    try (KafkaBroker broker = KafkaBrokers.container();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get()).hasSize(1);
      assertThat(broker.description()).contains("apache/kafka:");
    }
  }
}
