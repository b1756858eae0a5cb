package dev.vigil.app.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.vigil.app.errors.DeadLetters;
import dev.vigil.app.state.BoundedMemoryRocksDbConfig;
import dev.vigil.app.topology.TimestampBounds;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vigil's effective configuration, resolved from layers. Precedence, lowest first:
 *
 * <ol>
 *   <li>built-in defaults ({@link Settings});
 *   <li>a config file, YAML ({@code .yaml}/{@code .yml}) or {@code .properties}, with flat dotted
 *       keys (nested YAML maps are flattened), named by {@code --config FILE} or else by the {@code
 *       VIGIL_CONFIG} environment variable;
 *   <li>the environment: {@code VIGIL_FOO_BAR} sets {@code foo.bar}, {@code KAFKA_FOO_BAR} sets the
 *       Kafka client property {@code foo.bar};
 *   <li>command-line flags: {@code --set key=value} and dedicated flags such as {@code
 *       --bootstrap-servers};
 *   <li>programmatic overrides ({@link #with}), e.g. the demo pointing at its embedded broker.
 * </ol>
 *
 * <p>Keys prefixed {@code kafka.} pass through to Kafka clients, except those that name a Vigil
 * setting's Kafka property (e.g. {@code kafka.bootstrap.servers}), which set that setting. An
 * unknown key, a bad value, or two different values for one setting within one layer is a {@link
 * VigilConfigException}.
 */
public final class VigilConfig {

  /** The environment variable naming the config file when {@code --config} is not given. */
  public static final String CONFIG_ENV = "VIGIL_CONFIG";

  /** Prefix of keys passed through to Kafka clients. */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final Logger LOG = LoggerFactory.getLogger(VigilConfig.class);
  private static final String VIGIL_ENV_PREFIX = "VIGIL_";
  private static final String KAFKA_ENV_PREFIX = "KAFKA_";
  private static final Set<String> RESERVED_VIGIL_ENV =
      Set.of(
          CONFIG_ENV, "VIGIL_JAVA_OPTS", "VIGIL_HOME", DevSandboxFile.HTTP_URL, DevSandboxFile.PID);
  private static final Set<String> IGNORED_KAFKA_ENV =
      Set.of("KAFKA_HOME", "KAFKA_DEBUG", "KAFKA_VERSION", "KAFKA_CLUSTER_ID");

  /** The layers, lowest precedence first. */
  public enum Layer {
    /** Built-in defaults. */
    DEFAULT,
    /** A running {@code vigil dev} sandbox's addresses ({@code .vigil/dev.env}). */
    SANDBOX,
    /** The config file. */
    FILE,
    /** Environment variables. */
    ENVIRONMENT,
    /** Command-line flags. */
    FLAG,
    /** Overrides made by code. */
    OVERRIDE
  }

  /**
   * Where an effective value came from.
   *
   * @param layer the layer
   * @param where a phrase naming the place, e.g. {@code "in vigil.yaml"} or {@code "in environment
   *     variable VIGIL_PARTITIONS"}
   */
  public record Origin(Layer layer, String where) {}

  private record Entry(String key, String value, Origin origin) {}

  private final List<Entry> entries;
  private final Map<String, Object> values;
  private final Map<String, Origin> origins;
  private final Map<String, String> kafka;
  private final Map<String, Origin> kafkaOrigins;

  private VigilConfig(List<Entry> entries) {
    this.entries = List.copyOf(entries);
    Map<String, Object> v = new LinkedHashMap<>();
    Map<String, Origin> o = new LinkedHashMap<>();
    for (Setting<?> s : Settings.ALL) {
      v.put(s.key(), s.defaultValue());
      o.put(s.key(), new Origin(Layer.DEFAULT, "by default"));
    }
    Map<String, String> k = new TreeMap<>();
    Map<String, Origin> ko = new TreeMap<>();
    Map<String, Entry> seenInLayer = new LinkedHashMap<>();
    List<Entry> sorted = new ArrayList<>(this.entries);
    sorted.sort((a, b) -> a.origin().layer().compareTo(b.origin().layer()));
    for (Entry e : sorted) {
      Resolved r = resolve(e);
      String conflictKey = e.origin().layer() + "|" + r.key();
      Entry earlier = seenInLayer.put(conflictKey, e);
      if (earlier != null && !earlier.value().equals(e.value())) {
        throw new VigilConfigException(
            "Setting '"
                + r.key()
                + "' is given two different values, '"
                + shown(r.key(), earlier.value())
                + "' "
                + earlier.origin().where()
                + " and '"
                + shown(r.key(), e.value())
                + "' "
                + e.origin().where()
                + "; keep one.");
      }
      if (r.setting() != null) {
        v.put(r.key(), parse(r.setting(), e));
        o.put(r.key(), e.origin());
      } else {
        k.put(r.key(), e.value());
        ko.put(r.key(), e.origin());
      }
    }
    this.values = Collections.unmodifiableMap(v);
    this.origins = Collections.unmodifiableMap(o);
    this.kafka = Collections.unmodifiableMap(k);
    this.kafkaOrigins = Collections.unmodifiableMap(ko);
  }

  /** A Vigil setting (setting non-null) or a Kafka pass-through property (setting null). */
  private record Resolved(String key, Setting<?> setting) {}

  private static Resolved resolve(Entry e) {
    String key = e.key();
    if (key.startsWith(KAFKA_PREFIX)) {
      String property = key.substring(KAFKA_PREFIX.length());
      if (property.isBlank()) {
        throw new VigilConfigException(
            "Setting '" + key + "' " + e.origin().where() + " names no Kafka property.");
      }
      return Settings.byKafkaAlias(property)
          .<Resolved>map(s -> new Resolved(s.key(), s))
          .orElse(new Resolved(property, null));
    }
    Setting<?> setting =
        Settings.byKey(key)
            .orElseThrow(
                () ->
                    new VigilConfigException(
                        "Unknown setting '"
                            + key
                            + "' "
                            + e.origin().where()
                            + Settings.closest(key)
                                .map(c -> "; did you mean '" + c + "'?")
                                .orElse(
                                    "; 'vigil config' lists every setting, and"
                                        + " kafka.<client property> passes one to Kafka.")));
    return new Resolved(key, setting);
  }

  private static Object parse(Setting<?> setting, Entry e) {
    try {
      return setting.parse(e.value());
    } catch (IllegalArgumentException ex) {
      throw new VigilConfigException(
          "Setting '"
              + setting.key()
              + "' "
              + e.origin().where()
              + " must be "
              + setting.allowed()
              + ", not '"
              + shown(setting.key(), e.value())
              + "'.");
    }
  }

  /** Only the built-in defaults. */
  public static VigilConfig defaults() {
    return new VigilConfig(List.of());
  }

  /** A loader for the file, environment and flag layers. */
  public static Loader loader() {
    return new Loader();
  }

  /**
   * A copy with one more setting at the highest precedence.
   *
   * @param key a Vigil key or {@code kafka.}-prefixed Kafka property
   * @param value the value, validated like any other
   * @param where a phrase saying who set it, e.g. {@code "by the demo"}
   * @throws VigilConfigException if the key is unknown or the value not allowed
   */
  public VigilConfig with(String key, String value, String where) {
    List<Entry> more = new ArrayList<>(entries);
    more.add(new Entry(key, value, new Origin(Layer.OVERRIDE, where)));
    return new VigilConfig(more);
  }

  /** The effective value of a setting. */
  public <T> T get(Setting<T> setting) {
    @SuppressWarnings("unchecked")
    T value = (T) values.get(setting.key());
    return value;
  }

  /** Where the effective value of a Vigil setting or a Kafka pass-through property came from. */
  public Origin origin(String key) {
    Origin origin = origins.get(key);
    if (origin == null && key.startsWith(KAFKA_PREFIX)) {
      origin = kafkaOrigins.get(key.substring(KAFKA_PREFIX.length()));
    }
    if (origin == null) {
      throw new IllegalArgumentException("No setting '" + key + "'.");
    }
    return origin;
  }

  /** Kafka bootstrap servers. */
  public String bootstrapServers() {
    return get(Settings.BOOTSTRAP_SERVERS);
  }

  /** Schema registry base URL. */
  public String schemaRegistryUrl() {
    return get(Settings.SCHEMA_REGISTRY_URL);
  }

  /** Topic prefix. */
  public String topicPrefix() {
    return get(Settings.TOPIC_PREFIX);
  }

  /** Kafka Streams application id. */
  public String applicationId() {
    return get(Settings.APPLICATION_ID);
  }

  /** Local state directory. */
  public Path stateDir() {
    return Path.of(get(Settings.STATE_DIR));
  }

  /** {@code at_least_once} or {@code exactly_once_v2}. */
  public String processingGuarantee() {
    return get(Settings.PROCESSING_GUARANTEE);
  }

  /** Stream threads per instance. */
  public int numStreamThreads() {
    return get(Settings.NUM_STREAM_THREADS);
  }

  /** Replication factor of created topics. */
  public short replicationFactor() {
    return get(Settings.REPLICATION_FACTOR).shortValue();
  }

  /** Partitions of every Vigil topic. */
  public int partitions() {
    return get(Settings.PARTITIONS);
  }

  /** HTTP API port. */
  public int httpPort() {
    return get(Settings.HTTP_PORT);
  }

  /** Largest record accepted or produced, in bytes. */
  public int maxRecordBytes() {
    return get(Settings.MAX_RECORD_BYTES);
  }

  /** Kafka Streams commit interval. */
  public Duration commitInterval() {
    return Duration.ofMillis(get(Settings.COMMIT_INTERVAL_MS));
  }

  /** Bound on a graceful shutdown. */
  public Duration shutdownTimeout() {
    return Duration.ofMillis(get(Settings.SHUTDOWN_TIMEOUT_MS));
  }

  /** Detector parameters and enabled flags that differ from the detectors' own defaults. */
  public dev.vigil.risk.detect.DetectorSettings detectorSettings() {
    Map<String, String> set = new TreeMap<>();
    for (Setting<String> s : Settings.DETECTOR_PARAMETERS) {
      if (origins.get(s.key()).layer() != Layer.DEFAULT) {
        set.put(s.key(), get(s));
      }
    }
    return dev.vigil.risk.detect.DetectorSettings.of(set);
  }

  /** Whether to wipe local state on start. */
  public boolean stateCleanupOnStart() {
    return get(Settings.STATE_CLEANUP_ON_START);
  }

  /** The Kafka pass-through properties, without the {@code kafka.} prefix. */
  public Map<String, String> kafkaProperties() {
    return kafka;
  }

  /**
   * The Kafka Streams configuration: application id, bootstrap servers, state dir, processing
   * guarantee, replication factor of internal topics, stream threads, commit interval, producer
   * request size, task idling off, then every {@code kafka.} pass-through property. A fresh copy on
   * each call.
   */
  public Properties streamsProperties() {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, get(Settings.STATE_DIR));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, processingGuarantee());
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) replicationFactor());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, numStreamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, get(Settings.COMMIT_INTERVAL_MS));
    p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecordBytes());
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, get(Settings.NUM_STANDBY_REPLICAS));
    p.put(
        BoundedMemoryRocksDbConfig.MEMORY_BYTES_CONFIG,
        get(Settings.ROCKSDB_MEMORY_MB) * 1024L * 1024L);
    p.put(
        TimestampBounds.MAX_FUTURE_SKEW_MS_CONFIG,
        get(Settings.TIMESTAMP_MAX_FUTURE_SKEW).toMillis());
    p.put(TimestampBounds.MAX_AGE_MS_CONFIG, get(Settings.TIMESTAMP_MAX_AGE).toMillis());
    p.put(DeadLetters.MAX_VALUE_BYTES_CONFIG, get(Settings.DLQ_MAX_VALUE_BYTES));
    // Task idling off: Vigil's joins do not depend on which partition is processed first, and
    // Kafka Streams 4.3 formats readiness log lines on every idling check (KAFKA-19682).
    p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    p.putAll(kafka);
    return p;
  }

  /**
   * Properties for plain producers, consumers and admin clients: bootstrap servers and every {@code
   * kafka.} pass-through property. A fresh, mutable copy on each call.
   */
  public Map<String, Object> clientProperties() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("bootstrap.servers", bootstrapServers());
    p.putAll(kafka);
    return p;
  }

  /** One line per effective setting, {@code key = value (origin)}, Kafka properties last. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    values.forEach(
        (k, v) -> lines.add(k + " = " + shown(k, v) + "  (" + origins.get(k).where() + ")"));
    kafka.forEach(
        (k, v) ->
            lines.add(
                KAFKA_PREFIX
                    + k
                    + " = "
                    + shown(k, v)
                    + "  ("
                    + kafkaOrigins.get(k).where()
                    + ")"));
    return lines;
  }

  /** Secrets are never printed. */
  private static Object shown(String key, Object value) {
    return isSecret(key) && !String.valueOf(value).isEmpty() ? "******" : value;
  }

  /**
   * Whether a Vigil key or Kafka property holds a secret: a password, a JAAS configuration (which
   * carries SASL passwords), a client secret, a token, or a PEM private key; or any property Kafka
   * itself declares as a password.
   */
  public static boolean isSecret(String key) {
    if (Settings.isDetectorParameter(key)) {
      return false; // Detector and fusion parameters are numbers and durations, never secrets.
    }
    String k = key.toLowerCase(Locale.ROOT);
    if (k.contains("password")
        || k.contains("secret")
        || k.contains("jaas")
        || k.contains("token")
        || k.endsWith("ssl.keystore.key")
        || k.endsWith("credentials")
        || k.contains("user.info")) {
      return true;
    }
    String property = k.startsWith(KAFKA_PREFIX) ? k.substring(KAFKA_PREFIX.length()) : k;
    ConfigDef.ConfigKey declared = StreamsConfig.configDef().configKeys().get(property);
    if (declared == null) {
      declared = ProducerConfig.configDef().configKeys().get(property);
    }
    return declared != null && declared.type == ConfigDef.Type.PASSWORD;
  }

  @Override
  public String toString() {
    return "VigilConfig" + values + (kafka.isEmpty() ? "" : " kafka" + kafka);
  }

  /**
   * Collects the file, environment and flag layers, then {@link #load() resolves} them. Without
   * {@link #environment}, the process environment is used.
   */
  public static final class Loader {
    private Path configFile;
    private String configFileWhere;
    private Map<String, String> environment;
    private final List<Entry> flags = new ArrayList<>();
    private Path sandboxFile;
    private final List<String> warnings = new ArrayList<>();

    private Loader() {}

    /**
     * The env file of a running {@code vigil dev} sandbox, read as the layer just above the
     * defaults when it exists and its process is alive.
     */
    public Loader sandbox(Path file) {
      this.sandboxFile = file;
      return this;
    }

    /**
     * What the last {@link #load()} ignored, one sentence each: {@code VIGIL_*} environment
     * variables that name no setting (other tools share the prefix, so they warn, not fail).
     */
    public List<String> warnings() {
      return List.copyOf(warnings);
    }

    /**
     * The config file given with {@code --config}; it takes precedence over {@code VIGIL_CONFIG}.
     */
    public Loader configFile(Path file) {
      this.configFile = file;
      this.configFileWhere = "--config";
      return this;
    }

    /** The environment to read {@code VIGIL_*}, {@code KAFKA_*} and {@code VIGIL_CONFIG} from. */
    public Loader environment(Map<String, String> environment) {
      this.environment = Map.copyOf(environment);
      return this;
    }

    /**
     * One {@code --set key=value} flag.
     *
     * @throws VigilConfigException if it is not of the form {@code key=value}
     */
    public Loader set(String assignment) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        throw new VigilConfigException(
            "Flag --set " + assignment + " must have the form key=value, e.g. partitions=12.");
      }
      String key = assignment.substring(0, eq).trim();
      String value = assignment.substring(eq + 1).trim();
      String shown = isSecret(key) ? key + "=******" : assignment;
      flags.add(new Entry(key, value, new Origin(Layer.FLAG, "in --set " + shown)));
      return this;
    }

    /**
     * A dedicated flag such as {@code --bootstrap-servers}; ignored if {@code value} is null.
     *
     * @param key the setting it sets
     * @param value the flag's value, or null when the flag was not given
     * @param flag the flag's name, for messages
     */
    public Loader flag(String key, String value, String flag) {
      if (value != null) {
        String shown = isSecret(key) ? "******" : value;
        flags.add(new Entry(key, value, new Origin(Layer.FLAG, "in " + flag + " " + shown)));
      }
      return this;
    }

    /**
     * Reads the file and environment and resolves every layer.
     *
     * @throws VigilConfigException on the first mistake found, in one sentence
     */
    public VigilConfig load() {
      Map<String, String> env = environment == null ? System.getenv() : environment;
      List<Entry> entries = new ArrayList<>();
      if (sandboxFile != null) {
        Origin sandbox = new Origin(Layer.SANDBOX, "in " + sandboxFile + " (vigil dev)");
        DevSandboxFile.read(sandboxFile)
            .forEach(
                (name, value) ->
                    entries.add(new Entry(envKey(name, VIGIL_ENV_PREFIX), value, sandbox)));
      }
      Path file = configFile;
      String fileFrom = configFileWhere;
      if (file == null && env.get(CONFIG_ENV) != null && !env.get(CONFIG_ENV).isBlank()) {
        file = Path.of(env.get(CONFIG_ENV));
        fileFrom = "environment variable " + CONFIG_ENV;
      }
      if (file != null) {
        entries.addAll(readFile(file, fileFrom));
      }
      warnings.clear();
      entries.addAll(readEnvironment(env, warnings));
      warnings.forEach(LOG::warn);
      entries.addAll(flags);
      return new VigilConfig(entries);
    }

    private static List<Entry> readEnvironment(Map<String, String> env, List<String> warnings) {
      List<Entry> entries = new ArrayList<>();
      new TreeMap<>(env)
          .forEach(
              (name, value) -> {
                Origin origin = new Origin(Layer.ENVIRONMENT, "in environment variable " + name);
                if (name.startsWith(VIGIL_ENV_PREFIX) && !RESERVED_VIGIL_ENV.contains(name)) {
                  String key = envKey(name, VIGIL_ENV_PREFIX);
                  if (key.startsWith(KAFKA_PREFIX) || Settings.byKey(key).isPresent()) {
                    entries.add(new Entry(key, value, origin));
                  } else {
                    warnings.add(
                        "Ignored environment variable "
                            + name
                            + ": it names no setting ('"
                            + key
                            + "')"
                            + Settings.closest(key)
                                .map(c -> "; did you mean '" + c + "'?")
                                .orElse(".")
                            + "");
                  }
                } else if (name.startsWith(KAFKA_ENV_PREFIX)
                    && !name.endsWith("_OPTS")
                    && !IGNORED_KAFKA_ENV.contains(name)) {
                  entries.add(
                      new Entry(KAFKA_PREFIX + envKey(name, KAFKA_ENV_PREFIX), value, origin));
                }
              });
      return entries;
    }

    private static String envKey(String name, String prefix) {
      String rest = name.substring(prefix.length());
      if (prefix.equals(VIGIL_ENV_PREFIX)) {
        return Settings.byEnvironmentName(rest)
            .orElse(rest.toLowerCase(Locale.ROOT).replace('_', '.'));
      }
      return rest.toLowerCase(Locale.ROOT).replace('_', '.');
    }

    private static List<Entry> readFile(Path file, String from) {
      if (!Files.isRegularFile(file)) {
        throw new VigilConfigException(
            "Config file " + file + " (named by " + from + ") does not exist or is not a file.");
      }
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      Map<String, String> flat;
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        flat = readYaml(file);
      } else if (name.endsWith(".properties")) {
        flat = readProperties(file);
      } else {
        throw new VigilConfigException(
            "Config file " + file + " must end in .yaml, .yml or .properties.");
      }
      Origin origin = new Origin(Layer.FILE, "in " + file);
      List<Entry> entries = new ArrayList<>();
      flat.forEach((k, v) -> entries.add(new Entry(k, v, origin)));
      return entries;
    }

    private static Map<String, String> readProperties(Path file) {
      Properties props = new Properties();
      try (Reader in = Files.newBufferedReader(file)) {
        props.load(in);
      } catch (IOException | IllegalArgumentException e) {
        throw new VigilConfigException(
            "Config file " + file + " could not be read: " + e.getMessage(), e);
      }
      Map<String, String> flat = new LinkedHashMap<>();
      for (String key : new TreeMap<>(props).keySet().stream().map(Object::toString).toList()) {
        flat.put(key.trim(), props.getProperty(key).trim());
      }
      return flat;
    }

    private static Map<String, String> readYaml(Path file) {
      JsonNode root;
      try (Reader in = Files.newBufferedReader(file)) {
        root = new YAMLMapper().readTree(in);
      } catch (JacksonException e) {
        throw new VigilConfigException(
            "Config file " + file + " is not valid YAML: " + firstLine(e.getOriginalMessage()), e);
      } catch (IOException e) {
        throw new VigilConfigException(
            "Config file " + file + " could not be read: " + e.getMessage(), e);
      }
      Map<String, String> flat = new LinkedHashMap<>();
      if (root == null || root.isMissingNode() || root.isNull()) {
        return flat;
      }
      if (!root.isObject()) {
        throw new VigilConfigException(
            "Config file " + file + " must be a mapping of settings, e.g. 'partitions: 12'.");
      }
      flatten(file, "", root, flat);
      return flat;
    }

    private static void flatten(Path file, String prefix, JsonNode node, Map<String, String> out) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.properties().iterator();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        String key = prefix + field.getKey();
        JsonNode value = field.getValue();
        if (value.isObject()) {
          flatten(file, key + ".", value, out);
        } else if (value.isArray()) {
          List<String> items = new ArrayList<>();
          value.forEach(item -> items.add(scalar(file, key, item)));
          out.put(key, String.join(",", items));
        } else {
          out.put(key, scalar(file, key, value));
        }
      }
    }

    private static String scalar(Path file, String key, JsonNode node) {
      if (node.isNull() || !node.isValueNode()) {
        throw new VigilConfigException(
            "Setting '" + key + "' in " + file + " must have a single value.");
      }
      return node.asText().trim();
    }

    private static String firstLine(String message) {
      String m = Objects.requireNonNullElse(message, "parse error").strip();
      int nl = m.indexOf('\n');
      return nl < 0 ? m : m.substring(0, nl);
    }
  }
}
