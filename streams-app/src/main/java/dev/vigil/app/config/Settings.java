package dev.vigil.app.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Every Vigil setting, in one place. To add one, declare a constant here and add it to {@link
 * #ALL}; {@link VigilConfig} then accepts it from every layer and validates it.
 */
public final class Settings {

  private static final Pattern HOST_PORTS =
      Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5}(,\\s*[A-Za-z0-9._\\-\\[\\]:]+:\\d{1,5})*");
  private static final Pattern HTTP_URL = Pattern.compile("https?://\\S+");
  private static final Pattern PREFIX_PATTERN = Pattern.compile("[a-zA-Z0-9._-]{1,100}");
  private static final Pattern APP_ID_PATTERN = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

  /** Kafka bootstrap servers. */
  public static final Setting<String> BOOTSTRAP_SERVERS =
      Setting.matching(
          "bootstrap.servers",
          "localhost:9092",
          HOST_PORTS,
          "a comma-separated list of host:port",
          "Kafka brokers to connect to.",
          "bootstrap.servers");

  /** Schema registry base URL. */
  public static final Setting<String> SCHEMA_REGISTRY_URL =
      Setting.matching(
          "schema.registry.url",
          "http://localhost:8081",
          HTTP_URL,
          "an http:// or https:// URL",
          "Base URL of the Confluent-compatible schema registry.",
          null);

  /** Prefix of every topic name. */
  public static final Setting<String> TOPIC_PREFIX =
      Setting.matching(
          "topic.prefix",
          "vigil",
          PREFIX_PATTERN,
          "1-100 letters, digits, '.', '_' or '-'",
          "Prefix of every Vigil topic name.",
          null);

  /** Kafka Streams application id (consumer group and internal topic prefix). */
  public static final Setting<String> APPLICATION_ID =
      Setting.matching(
          "application.id",
          "vigil",
          APP_ID_PATTERN,
          "1-200 letters, digits, '.', '_' or '-'",
          "Kafka Streams application id; instances with the same id share the work.",
          "application.id");

  /** Local state directory (RocksDB). */
  public static final Setting<String> STATE_DIR =
      Setting.string("state.dir", ".vigil/state", "Directory for local state stores.", "state.dir");

  /** Processing guarantee. */
  public static final Setting<String> PROCESSING_GUARANTEE =
      Setting.oneOf(
          "processing.guarantee",
          "exactly_once_v2",
          "Kafka Streams processing guarantee.",
          "processing.guarantee",
          "at_least_once",
          "exactly_once_v2");

  /** Stream threads per instance. */
  public static final Setting<Integer> NUM_STREAM_THREADS =
      Setting.integer(
          "num.stream.threads",
          1,
          1,
          64,
          "Stream threads per instance; more than the cores available does not help.",
          "num.stream.threads");

  /** Replication factor of Vigil and Kafka Streams internal topics. */
  public static final Setting<Integer> REPLICATION_FACTOR =
      Setting.integer(
          "replication.factor",
          1,
          1,
          Short.MAX_VALUE,
          "Replication factor of the topics Vigil and Kafka Streams create.",
          "replication.factor");

  /** Partitions of every Vigil topic. */
  public static final Setting<Integer> PARTITIONS =
      Setting.integer(
          "partitions",
          6,
          1,
          10_000,
          "Partitions of every Vigil topic; co-partitioned topics must agree.",
          null);

  /** Port of the HTTP API (health, metrics, JWKS, queries); -1 or "disabled" turns it off. */
  public static final Setting<Integer> HTTP_PORT =
      new Setting<>(
          "http.port",
          8080,
          text -> {
            String allowed = "an integer from -1 to 65535, or disabled";
            if (text.equalsIgnoreCase("disabled")) {
              return -1;
            }
            try {
              int port = Integer.parseInt(text.replace("_", ""));
              if (port < -1 || port > 65_535) {
                throw new IllegalArgumentException(allowed);
              }
              return port;
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(allowed, e);
            }
          },
          "an integer from -1 to 65535, or disabled",
          "Port of the HTTP API; 0 picks a free one, -1 or disabled turns it off.",
          null);

  /** Whether decisions are also published as signed CAEP SETs. */
  public static final Setting<Boolean> SETS_ENABLED =
      Setting.bool(
          "sets.enabled", true, "Publish enforced decisions as signed CAEP Security Event Tokens.");

  /** The {@code iss} of every SET. */
  public static final Setting<String> SETS_ISSUER =
      Setting.matching(
          "sets.issuer",
          "https://vigil.local",
          Pattern.compile("\\S+"),
          "a URI without spaces",
          "Issuer (iss) of the SETs; enforcement points check it.",
          null);

  /** The {@code aud} of every SET. */
  public static final Setting<String> SETS_AUDIENCE =
      Setting.matching(
          "sets.audience",
          "",
          Pattern.compile("[^\\s,]*(,\\s*[^\\s,]+)*"),
          "a comma-separated list of audiences, or empty",
          "Audience (aud) of the SETs, comma-separated; empty for none.",
          null);

  /** PKCS12 keystore with the SET signing key. */
  public static final Setting<String> SETS_KEYSTORE_PATH =
      Setting.matching(
          "sets.keystore.path",
          "",
          Pattern.compile(".*"),
          "a file path, or empty",
          "PKCS12 keystore with the RSA key that signs SETs; empty generates a key at start.",
          null);

  /** Password of the keystore and key. */
  public static final Setting<String> SETS_KEYSTORE_PASSWORD =
      Setting.matching(
          "sets.keystore.password",
          "",
          Pattern.compile(".*"),
          "any text",
          "Password of the SET keystore and of its key entry.",
          null);

  /** Alias of the signing key entry. */
  public static final Setting<String> SETS_KEY_ALIAS =
      Setting.string(
          "sets.key.alias", "vigil-sets", "Alias of the SET signing key in the keystore.", null);

  /** Largest record Vigil accepts or produces. */
  public static final Setting<Integer> MAX_RECORD_BYTES =
      Setting.integer(
          "max.record.bytes",
          1_048_576,
          1_024,
          100 * 1_048_576,
          "Largest record accepted or produced, in bytes; larger input goes to the DLQ.",
          null);

  /** How often Kafka Streams commits (with exactly-once: how long a transaction stays open). */
  public static final Setting<Integer> COMMIT_INTERVAL_MS =
      Setting.integer(
          "commit.interval.ms",
          1_000,
          10,
          600_000,
          "How often progress is committed; with exactly-once, also the output latency.",
          "commit.interval.ms");

  /** Bound on a graceful shutdown. */
  public static final Setting<Integer> SHUTDOWN_TIMEOUT_MS =
      Setting.integer(
          "shutdown.timeout.ms",
          30_000,
          0,
          600_000,
          "How long a graceful shutdown may take before Vigil gives up waiting.",
          null);

  /** Whether to wipe the local state directory on start. */
  public static final Setting<Boolean> STATE_CLEANUP_ON_START =
      Setting.bool(
          "state.cleanup.on.start",
          false,
          "Wipe this instance's local state on start (it is rebuilt from changelogs).");

  /** How often, on the wall clock, risk is re-evaluated for subjects that receive nothing. */
  public static final Setting<java.time.Duration> DECAY_INTERVAL =
      Setting.duration(
          "decay.interval",
          "10s",
          "How often risk decays and de-escalates for subjects that receive no signal.");

  /** How much of Kafka's own client and Streams metrics {@code /metrics} exports. */
  public static final Setting<String> METRICS_KAFKA_DETAIL =
      Setting.oneOf(
          "metrics.kafka.detail",
          "summary",
          "Kafka metrics on /metrics: summary (instance and thread level) or all (per store/task).",
          null,
          "summary",
          "all");

  /** Log line format. */
  public static final Setting<String> LOG_FORMAT =
      Setting.oneOf(
          "log.format",
          "text",
          "Log format on stderr: text for people, json for one JSON object per line.",
          null,
          "text",
          "json");

  /** Every setting, in documentation order. */
  public static final List<Setting<?>> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          SCHEMA_REGISTRY_URL,
          TOPIC_PREFIX,
          APPLICATION_ID,
          STATE_DIR,
          PROCESSING_GUARANTEE,
          NUM_STREAM_THREADS,
          REPLICATION_FACTOR,
          PARTITIONS,
          HTTP_PORT,
          SETS_ENABLED,
          SETS_ISSUER,
          SETS_AUDIENCE,
          SETS_KEYSTORE_PATH,
          SETS_KEYSTORE_PASSWORD,
          SETS_KEY_ALIAS,
          MAX_RECORD_BYTES,
          COMMIT_INTERVAL_MS,
          SHUTDOWN_TIMEOUT_MS,
          STATE_CLEANUP_ON_START,
          DECAY_INTERVAL,
          METRICS_KAFKA_DETAIL,
          LOG_FORMAT);

  private static final Map<String, Setting<?>> BY_KEY = new LinkedHashMap<>();
  private static final Map<String, Setting<?>> BY_KAFKA_ALIAS = new LinkedHashMap<>();

  static {
    for (Setting<?> s : ALL) {
      BY_KEY.put(s.key(), s);
      if (s.kafkaAlias() != null) {
        BY_KAFKA_ALIAS.put(s.kafkaAlias(), s);
      }
    }
  }

  private Settings() {}

  /** The setting with this key, if any. */
  public static Optional<Setting<?>> byKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** The setting that a Kafka client property of this name stands for, if any. */
  public static Optional<Setting<?>> byKafkaAlias(String kafkaProperty) {
    return Optional.ofNullable(BY_KAFKA_ALIAS.get(kafkaProperty));
  }

  /** The known key closest to a misspelt one, if one is close enough to suggest. */
  public static Optional<String> closest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String known : BY_KEY.keySet()) {
      int d = distance(key, known);
      if (d < bestDistance) {
        best = known;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 4) ? Optional.of(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
