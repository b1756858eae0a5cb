package dev.vigil.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.config.VigilConfig;
import dev.vigil.app.metrics.VigilMetrics;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Kafka Streams defaults every Vigil deployment gets, and that configuration still wins. */
class PipelineDefaultsTest {

  private static final VigilConfig CONFIG =
      VigilConfig.defaults().with("schema.registry.url", "mock://pipeline-defaults", "by the test");

  @Test
  void shouldNeverIdleATaskWaitingForUnfetchedPartitionsByDefault() {
    // When Vigil's defaults are added to its configured properties
    Properties p = defaults(CONFIG);

    // Then tasks process whatever is buffered instead of idling on partitions still to fetch
    assertThat(p)
        .containsEntry(
            StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
  }

  @Test
  void shouldKeepAConfiguredTaskIdleTime() {
    // Given Kafka's own default asked for through the pass-through
    VigilConfig config = CONFIG.with("kafka.max.task.idle.ms", "0", "by the test");

    // When Vigil's defaults are added
    Properties p = defaults(config);

    // Then the configured value stays
    assertThat(p).containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, "0");
  }

  private static Properties defaults(VigilConfig config) {
    return Pipeline.withVigilDefaults(
        config.streamsProperties(), VigilApplication.topics(config), VigilMetrics.inMemory());
  }
}
