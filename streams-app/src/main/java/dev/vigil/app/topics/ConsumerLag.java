package dev.vigil.app.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** How far a consumer group (a Kafka Streams application) is behind on some topics. */
public final class ConsumerLag {

  private ConsumerLag() {}

  /**
   * Records the group has still to process on those of the topics it reads; topics it has not
   * committed anything on yet count in full once they have data.
   */
  public static long of(Admin admin, String group, Collection<String> topics)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    Set<String> names = new HashSet<>(topics);
    admin
        .describeTopics(List.copyOf(names))
        .allTopicNames()
        .get()
        .forEach(
            (name, description) ->
                description
                    .partitions()
                    .forEach(
                        p ->
                            request.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(request).all().get();
    long lag = 0;
    for (var e : ends.entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      // Transaction markers occupy offsets: a committed offset one or two short is caught up.
      lag += Math.max(0, e.getValue().offset() - (c == null ? 0 : c.offset()) - 2);
    }
    return lag;
  }

  /**
   * Waits until the group has caught up with the topics, polling the broker (there is no event to
   * await). Returns false if it had not caught up within {@code max}.
   */
  public static boolean awaitCaughtUp(
      Admin admin, String group, Collection<String> topics, Duration max)
      throws ExecutionException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (of(admin, group, topics) == 0) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
