package dev.vigil.app.topics;

import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicSpec;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates and describes the topics of a {@link Topics} registry on a cluster. Creation is
 * idempotent: topics that exist are reported as such, with a partition-count mismatch flagged,
 * never altered.
 */
public final class TopicAdmin implements AutoCloseable {

  /** What was found or done for one topic. */
  public enum Outcome {
    /** The topic did not exist and was created. */
    CREATED,
    /** The topic exists with the expected partition count. */
    EXISTS,
    /** The topic exists with a different partition count than expected. */
    PARTITION_MISMATCH,
    /** The topic does not exist. */
    MISSING
  }

  /**
   * The state of one registry topic on the cluster.
   *
   * @param name full topic name
   * @param outcome what was found or done
   * @param partitions actual partition count, or 0 if missing
   * @param expectedPartitions partition count asked for
   * @param replicationFactor actual replication factor, or 0 if missing
   * @param configs the topic's {@code cleanup.policy} and {@code retention.ms} on the cluster (or
   *     as requested, for a topic just created); empty if missing
   */
  public record TopicStatus(
      String name,
      Outcome outcome,
      int partitions,
      int expectedPartitions,
      int replicationFactor,
      Map<String, String> configs) {

    /** One sentence for people, e.g. for the CLI. */
    public String describe() {
      return switch (outcome) {
        case CREATED ->
            name + ": created with " + partitions + " partitions, replication " + replicationFactor;
        case EXISTS ->
            name + ": exists with " + partitions + " partitions, replication " + replicationFactor;
        case PARTITION_MISMATCH ->
            name
                + ": exists with "
                + partitions
                + " partitions but "
                + expectedPartitions
                + " are expected; co-partitioned joins need the same count";
        case MISSING -> name + ": missing";
      };
    }
  }

  private static final Set<String> SHOWN_CONFIGS = Set.of("cleanup.policy", "retention.ms");

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TopicAdmin.class);

  private final Admin admin;
  private final boolean ownsAdmin;
  private final Duration timeout;

  /**
   * An admin over its own Kafka {@link Admin} client, closed with this object.
   *
   * @param adminConfig Kafka admin client properties, at least {@code bootstrap.servers}
   * @param timeout bound for each cluster call
   */
  public TopicAdmin(Map<String, Object> adminConfig, Duration timeout) {
    this(Admin.create(adminConfig), true, timeout);
  }

  /**
   * An admin over an existing client, which stays open when this object is closed.
   *
   * @param admin Kafka admin client
   * @param timeout bound for each cluster call
   */
  public TopicAdmin(Admin admin, Duration timeout) {
    this(admin, false, timeout);
  }

  private TopicAdmin(Admin admin, boolean ownsAdmin, Duration timeout) {
    this.admin = Objects.requireNonNull(admin, "admin");
    this.ownsAdmin = ownsAdmin;
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /**
   * The partition counts of the given topics as the cluster has them: 0 for a topic that does not
   * exist or when the cluster does not answer (the topology then repartitions all of its records,
   * which is correct whatever the count, only slower).
   *
   * @param config where the cluster is
   * @param names topic names
   * @return partitions by topic name
   */
  public static java.util.function.ToIntFunction<String> partitionCounts(
      dev.vigil.app.config.VigilConfig config, List<String> names) {
    Map<String, Object> props = new java.util.HashMap<>(config.clientProperties());
    props.putIfAbsent("default.api.timeout.ms", 15_000);
    props.putIfAbsent("request.timeout.ms", 10_000);
    Map<String, Integer> counts = new java.util.HashMap<>();
    try (TopicAdmin topics = new TopicAdmin(props, Duration.ofSeconds(15))) {
      topics.describeExisting(names).forEach((n, d) -> counts.put(n, d.partitions().size()));
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not read the partition counts of the signal topics ({}); every signal will be"
              + " repartitioned by its key.",
          e.getMessage());
    }
    return name -> counts.getOrDefault(name, 0);
  }

  /**
   * Creates every topic of the registry that does not exist yet, with the spec's configs.
   *
   * @param topics the registry
   * @param partitions partition count for every topic; 0 to use each spec's own count
   * @param replicationFactor replication factor of the created topics
   * @return one status per registry topic, in registry order
   * @throws TopicAdminException if the cluster cannot be reached or refuses a creation
   */
  public List<TopicStatus> createAll(Topics topics, int partitions, short replicationFactor) {
    if (partitions < 0) {
      throw new IllegalArgumentException("Partitions must be 0 (per spec) or positive.");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("The replication factor must be at least 1.");
    }
    Map<String, TopicSpec> specs = specs(topics);
    Map<String, TopicDescription> existing = describeExisting(specs.keySet());
    List<NewTopic> toCreate = new ArrayList<>();
    for (Map.Entry<String, TopicSpec> e : specs.entrySet()) {
      if (!existing.containsKey(e.getKey())) {
        toCreate.add(
            new NewTopic(e.getKey(), expected(e.getValue(), partitions), replicationFactor)
                .configs(e.getValue().configs()));
      }
    }
    Map<String, TopicStatus> created = new LinkedHashMap<>();
    if (!toCreate.isEmpty()) {
      CreateTopicsResult result = admin.createTopics(toCreate);
      List<String> raced = new ArrayList<>();
      for (NewTopic topic : toCreate) {
        try {
          await(result.values().get(topic.name()), "create topic " + topic.name());
          created.put(
              topic.name(),
              new TopicStatus(
                  topic.name(),
                  Outcome.CREATED,
                  topic.numPartitions(),
                  topic.numPartitions(),
                  topic.replicationFactor(),
                  filter(topic.configs())));
        } catch (TopicAdminException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) {
            throw ex;
          }
          raced.add(topic.name());
        }
      }
      existing = new LinkedHashMap<>(existing);
      existing.putAll(describeExisting(raced));
    }
    Map<String, Map<String, String>> configs = configs(existing.keySet());
    List<TopicStatus> statuses = new ArrayList<>();
    for (Map.Entry<String, TopicSpec> e : specs.entrySet()) {
      String name = e.getKey();
      TopicStatus status = created.get(name);
      if (status == null) {
        status =
            existingStatus(
                existing.get(name), expected(e.getValue(), partitions), configs.get(name));
      }
      statuses.add(status);
    }
    return statuses;
  }

  /**
   * Describes every topic of the registry as it is on the cluster.
   *
   * @param topics the registry
   * @param partitions expected partition count; 0 to use each spec's own count
   * @return one status per registry topic, in registry order; missing topics as {@link
   *     Outcome#MISSING}
   * @throws TopicAdminException if the cluster cannot be reached
   */
  public List<TopicStatus> describeAll(Topics topics, int partitions) {
    Map<String, TopicSpec> specs = specs(topics);
    Map<String, TopicDescription> existing = describeExisting(specs.keySet());
    Map<String, Map<String, String>> configs = configs(existing.keySet());
    List<TopicStatus> statuses = new ArrayList<>();
    for (Map.Entry<String, TopicSpec> e : specs.entrySet()) {
      int expected = expected(e.getValue(), partitions);
      TopicDescription description = existing.get(e.getKey());
      statuses.add(
          description == null
              ? new TopicStatus(e.getKey(), Outcome.MISSING, 0, expected, 0, Map.of())
              : existingStatus(description, expected, configs.get(e.getKey())));
    }
    return statuses;
  }

  private static TopicStatus existingStatus(
      TopicDescription description, int expected, Map<String, String> configs) {
    int actual = description.partitions().size();
    int replication =
        description.partitions().isEmpty() ? 0 : description.partitions().get(0).replicas().size();
    return new TopicStatus(
        description.name(),
        actual == expected ? Outcome.EXISTS : Outcome.PARTITION_MISMATCH,
        actual,
        expected,
        replication,
        configs == null ? Map.of() : configs);
  }

  private static Map<String, TopicSpec> specs(Topics topics) {
    Map<String, TopicSpec> specs = new LinkedHashMap<>();
    for (Topic<?, ?> topic : topics.all()) {
      specs.put(topic.name(), topic.spec());
    }
    return specs;
  }

  private static int expected(TopicSpec spec, int partitions) {
    return partitions > 0 ? partitions : spec.partitions();
  }

  private Map<String, TopicDescription> describeExisting(java.util.Collection<String> names) {
    Map<String, TopicDescription> found = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return found;
    }
    Map<String, KafkaFuture<TopicDescription>> futures =
        admin.describeTopics(names).topicNameValues();
    for (String name : names) {
      try {
        found.put(name, await(futures.get(name), "describe topic " + name));
      } catch (TopicAdminException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw e;
        }
      }
    }
    return found;
  }

  private Map<String, Map<String, String>> configs(java.util.Collection<String> names) {
    Map<String, Map<String, String>> result = new LinkedHashMap<>();
    if (names.isEmpty()) {
      return result;
    }
    List<ConfigResource> resources =
        names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
    Map<ConfigResource, Config> configs =
        await(admin.describeConfigs(resources).all(), "describe topic configs");
    for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
      Map<String, String> shown = new LinkedHashMap<>();
      for (ConfigEntry entry : e.getValue().entries()) {
        if (SHOWN_CONFIGS.contains(entry.name())) {
          shown.put(entry.name(), entry.value());
        }
      }
      result.put(e.getKey().name(), Map.copyOf(shown));
    }
    return result;
  }

  private static Map<String, String> filter(Map<String, String> configs) {
    Map<String, String> shown = new LinkedHashMap<>();
    configs.forEach(
        (k, v) -> {
          if (SHOWN_CONFIGS.contains(k)) {
            shown.put(k, v);
          }
        });
    return Map.copyOf(shown);
  }

  private <T> T await(KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new TopicAdminException("Could not " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new TopicAdminException(
          "Could not " + what + " within " + timeout.toSeconds() + " s; is Kafka running?", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TopicAdminException("Interrupted while trying to " + what + ".", e);
    }
  }

  /** Closes the admin client if this object created it. */
  @Override
  public void close() {
    if (ownsAdmin) {
      admin.close(timeout);
    }
  }
}
