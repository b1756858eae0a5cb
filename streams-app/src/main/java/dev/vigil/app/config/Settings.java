package dev.vigil.app.config;

import dev.vigil.risk.signal.DetectorParameters;
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
  private static final Pattern HTTP_URL = Pattern.compile("(https?|mock)://\\S+");
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
          "an http:// or https:// URL (mock:// for tests)",
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
          3,
          1,
          Short.MAX_VALUE,
          "Replication factor of the topics Vigil and Kafka Streams create; the dev tools use 1.",
          "replication.factor");

  /** Standby replicas of each state store on other instances. */
  public static final Setting<Integer> NUM_STANDBY_REPLICAS =
      Setting.integer(
          "num.standby.replicas",
          1,
          0,
          16,
          "Warm copies of each state store kept on other instances, for fast fail-over.",
          "num.standby.replicas");

  /** Off-heap memory budget of all RocksDB stores of one instance. */
  public static final Setting<Integer> ROCKSDB_MEMORY_MB =
      Setting.integer(
          "rocksdb.memory.mb",
          128,
          16,
          1_048_576,
          "RocksDB memory budget of one instance in MiB: one shared block cache, a quarter of it"
              + " for write buffers.",
          null);

  /** Accepted event time ahead of the wall clock. */
  public static final Setting<java.time.Duration> TIMESTAMP_MAX_FUTURE_SKEW =
      Setting.duration(
          "timestamp.max.future.skew",
          "5m",
          "How far ahead of the wall clock an event time may be; later ones go to the DLQ.");

  /** Accepted event age. */
  public static final Setting<java.time.Duration> TIMESTAMP_MAX_AGE =
      Setting.duration(
          "timestamp.max.age",
          "730d",
          "How far behind the wall clock an event time may be; older ones go to the DLQ.");

  /** Largest key or value copied into a dead letter. */
  public static final Setting<Integer> DLQ_MAX_VALUE_BYTES =
      Setting.integer(
          "dlq.max.value.bytes",
          65_536,
          1_024,
          16 * 1_048_576,
          "Largest key or value copied into a dead letter; longer ones are truncated, with a"
              + " header giving the original size.",
          null);

  /** How long start-up waits for the broker and the schema registry. */
  public static final Setting<java.time.Duration> STARTUP_MAX_WAIT =
      Setting.duration(
          "startup.max.wait",
          "2m",
          "How long start-up retries, with back-off, to reach the broker and the schema registry.");

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

  /** Address the HTTP API listens on. */
  public static final Setting<String> HTTP_BIND_ADDRESS =
      Setting.string(
          "http.bind.address",
          "127.0.0.1",
          "Address the HTTP API listens on; loopback unless set, 0.0.0.0 for all interfaces.",
          null);

  /** How HTTP callers authenticate. */
  public static final Setting<String> HTTP_AUTH_MODE =
      Setting.oneOf(
          "http.auth.mode",
          "jwt",
          "How HTTP callers authenticate: jwt (OAuth 2.0 bearer JWT), mtls (client certificate),"
              + " static-token (development only) or none (vigil demo and tests only).",
          null,
          "jwt",
          "mtls",
          "static-token",
          "none");

  /** The {@code iss} accepted in bearer JWTs. */
  public static final Setting<String> HTTP_AUTH_JWT_ISSUER =
      Setting.matching(
          "http.auth.jwt.issuer",
          "",
          Pattern.compile("\\S*"),
          "a URI without spaces, or empty",
          "Issuer (iss) that bearer JWTs must carry; required with http.auth.mode=jwt.",
          null);

  /** Where the issuer's public keys are. */
  public static final Setting<String> HTTP_AUTH_JWT_JWKS_URI =
      Setting.matching(
          "http.auth.jwt.jwks.uri",
          "",
          Pattern.compile("((https?|file):\\S+)?"),
          "an https://, http:// or file: URI, or empty",
          "JWK set of the token issuer, fetched over HTTP(S) and cached, or read from a file: URI.",
          null);

  /** The {@code aud} required in bearer JWTs. */
  public static final Setting<String> HTTP_AUTH_JWT_AUDIENCE =
      Setting.matching(
          "http.auth.jwt.audience",
          "",
          Pattern.compile("\\S*"),
          "a URI or name without spaces, or empty",
          "Audience (aud) that bearer JWTs must contain; required with http.auth.mode=jwt.",
          null);

  /** The development-only static bearer token. */
  public static final Setting<String> HTTP_AUTH_STATIC_TOKEN =
      Setting.matching(
          "http.auth.static.token",
          "",
          Pattern.compile("(\\S{16,})?"),
          "at least 16 characters without spaces, or empty",
          "Bearer token accepted with http.auth.mode=static-token (development only).",
          null);

  /** Client certificate subjects allowed with mTLS. */
  public static final Setting<String> HTTP_AUTH_MTLS_ALLOWED_SUBJECTS =
      Setting.matching(
          "http.auth.mtls.allowed.subjects",
          "",
          Pattern.compile(".*"),
          "distinguished names separated by ';', or empty",
          "Client certificate subjects (RFC 2253 DNs, ';'-separated) allowed with"
              + " http.auth.mode=mtls.",
          null);

  /** Endpoints that answer without authentication, besides /health. */
  public static final Setting<String> HTTP_AUTH_OPEN_ENDPOINTS =
      Setting.matching(
          "http.auth.open.endpoints",
          "jwks",
          Pattern.compile("((ready|metrics|jwks)(\\s*,\\s*(ready|metrics|jwks))*)?"),
          "a comma-separated subset of ready, metrics, jwks, or empty",
          "Endpoints besides /health that answer without authentication (the JWKS holds only"
              + " public keys).",
          null);

  /** PKCS12 keystore of the HTTP API's TLS certificate. */
  public static final Setting<String> HTTP_TLS_KEYSTORE_PATH =
      Setting.matching(
          "http.tls.keystore.path",
          "",
          Pattern.compile(".*"),
          "a file path, or empty",
          "PKCS12 keystore with the HTTP API's TLS certificate; empty serves plain HTTP.",
          null);

  /** Password of the TLS keystore. */
  public static final Setting<String> HTTP_TLS_KEYSTORE_PASSWORD =
      Setting.matching(
          "http.tls.keystore.password",
          "",
          Pattern.compile(".*"),
          "any text",
          "Password of the HTTP TLS keystore and its key.",
          null);

  /** PKCS12 truststore of the client certificate issuers (mTLS). */
  public static final Setting<String> HTTP_TLS_TRUSTSTORE_PATH =
      Setting.matching(
          "http.tls.truststore.path",
          "",
          Pattern.compile(".*"),
          "a file path, or empty",
          "PKCS12 truststore of the CAs whose client certificates are accepted (mTLS).",
          null);

  /** Password of the TLS truststore. */
  public static final Setting<String> HTTP_TLS_TRUSTSTORE_PASSWORD =
      Setting.matching(
          "http.tls.truststore.password",
          "",
          Pattern.compile(".*"),
          "any text",
          "Password of the HTTP TLS truststore.",
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

  /** Aliases of earlier signing keys in the keystore, still published during a rollover. */
  public static final Setting<String> SETS_KEYSTORE_PREVIOUS_ALIASES =
      Setting.matching(
          "sets.keystore.previous.aliases",
          "",
          Pattern.compile("([^\\s,]+(\\s*,\\s*[^\\s,]+)*)?"),
          "a comma-separated list of aliases, or empty",
          "Keystore aliases of earlier SET keys whose public keys stay in the JWKS during a"
              + " rollover.",
          null);

  /** A PEM or JWK file with the SET signing key (instead of a keystore). */
  public static final Setting<String> SETS_KEY_PATH =
      Setting.matching(
          "sets.key.path",
          "",
          Pattern.compile(".*"),
          "a file path, or empty",
          "PEM (PKCS#8) or JWK file with the RSA private key that signs SETs, e.g. a mounted"
              + " secret; an alternative to sets.keystore.path.",
          null);

  /** PEM or JWK files of earlier signing keys, still published during a rollover. */
  public static final Setting<String> SETS_KEY_PREVIOUS_PATHS =
      Setting.matching(
          "sets.key.previous.paths",
          "",
          Pattern.compile("([^,]+(,[^,]+)*)?"),
          "a comma-separated list of file paths, or empty",
          "PEM or JWK files of earlier SET keys whose public keys stay in the JWKS during a"
              + " rollover.",
          null);

  /** Largest record Vigil accepts or produces. */
  public static final Setting<Integer> MAX_RECORD_BYTES =
      Setting.integer(
          "max.record.bytes",
          1_048_576,
          1_024,
          100 * 1_048_576,
          "Largest record accepted or produced, in bytes; larger input goes to the DLQ.",
          null);

  /**
   * How often Kafka Streams commits (with exactly-once: how long a transaction stays open, and so
   * the time a decision waits to become visible). Kafka Streams' own exactly-once default.
   */
  public static final Setting<Integer> COMMIT_INTERVAL_MS =
      Setting.integer(
          "commit.interval.ms",
          100,
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

  /** How often, on the wall clock, devices are checked for posture that stopped arriving. */
  public static final Setting<java.time.Duration> DEVICE_CHECK_INTERVAL =
      Setting.duration(
          "device.check.interval",
          "5m",
          "How often devices are checked for stale posture when nothing arrives from them.");

  /** Built-in formats whose raw topics the pipeline maps to signals. */
  public static final Setting<String> INGEST_RAW_FORMATS =
      Setting.matching(
          "ingest.raw.formats",
          "windows-security,okta,entra-signin,zeek-conn,ocsf,cloudtrail",
          Pattern.compile("([a-z0-9][a-z0-9_-]*(,\\s*[a-z0-9][a-z0-9_-]*)*)?"),
          "a comma-separated list of built-in formats, or empty",
          "Built-in formats whose raw topics (vigil.raw.<format>.v1) the pipeline maps to signals.",
          null);

  /** Mapping files whose raw topics the pipeline maps to signals. */
  public static final Setting<String> INGEST_RAW_MAPPINGS =
      Setting.matching(
          "ingest.raw.mappings",
          "",
          Pattern.compile(".*"),
          "a comma-separated list of mapping files, or empty",
          "Mapping files (YAML) whose raw topics the pipeline maps to signals, as vigil ingest --mapping does.",
          null);

  /** Whether the OpenID SSF 1.0 transmitter and receiver endpoints are served. */
  public static final Setting<Boolean> SSF_ENABLED =
      Setting.bool(
          "ssf.enabled",
          true,
          "Serve the OpenID SSF 1.0 transmitter (metadata, streams, push and poll) and receiver.");

  /** Base URL put in the SSF metadata; empty derives it from each request's Host. */
  public static final Setting<String> SSF_BASE_URL =
      Setting.matching(
          "ssf.base.url",
          "",
          Pattern.compile("(https?://[^\\s/]+(/\\S*)?)?"),
          "an http:// or https:// URL, or empty",
          "Public base URL of this API for the SSF metadata; empty uses the request's Host.",
          null);

  /** Whether streams get every subject (ALL) or only the subjects they add (NONE). */
  public static final Setting<String> SSF_DEFAULT_SUBJECTS =
      Setting.oneOf(
          "ssf.default.subjects",
          "all",
          "SSF default_subjects: all sends every subject a stream has not removed, none only added"
              + " ones.",
          null,
          "all",
          "none");

  /** Push attempts after the first before a stream is paused. */
  public static final Setting<Integer> SSF_PUSH_MAX_RETRIES =
      Setting.integer(
          "ssf.push.max.retries",
          8,
          0,
          100,
          "Push retries per SET (exponential back-off) before the transmitter pauses the stream.",
          null);

  /** First push retry delay; doubles per retry. */
  public static final Setting<Integer> SSF_PUSH_BACKOFF_MS =
      Setting.integer(
          "ssf.push.backoff.ms",
          200,
          1,
          60_000,
          "First push retry delay in milliseconds; it doubles per retry up to 30 seconds.",
          null);

  /**
   * A static bearer token granting ssf.read and ssf.manage, for development only; empty refuses
   * every SSF management call unless an authorizer is installed.
   */
  public static final Setting<String> SSF_DEV_TOKEN =
      Setting.matching(
          "ssf.dev.token",
          "",
          Pattern.compile("[A-Za-z0-9._~+/=-]*"),
          "a bearer token (letters, digits, ._~+/=-), or empty",
          "Development-only static bearer token with scopes ssf.read and ssf.manage.",
          null);

  /** Identity providers whose SETs the receiver accepts: issuer|jwks_uri pairs. */
  public static final Setting<String> SSF_RECEIVER_ISSUERS =
      Setting.matching(
          "ssf.receiver.issuers",
          "",
          Pattern.compile(
              "([^\\s|,]+\\|https?://[^\\s|,]+(,\\s*[^\\s|,]+\\|https?://[^\\s|,]+)*)?"),
          "comma-separated issuer|jwks_uri pairs, or empty",
          "Transmitters whose SETs become external signals, as issuer|jwks_uri pairs.",
          null);

  /** The audience SETs sent to Vigil must name; empty uses sets.issuer. */
  public static final Setting<String> SSF_RECEIVER_AUDIENCE =
      Setting.matching(
          "ssf.receiver.audience",
          "",
          Pattern.compile("\\S*"),
          "a URI without spaces, or empty",
          "Audience SETs pushed or polled to Vigil must contain; empty means sets.issuer.",
          null);

  /** Bearer token transmitters must send when pushing to Vigil's receiver; empty for none. */
  public static final Setting<String> SSF_RECEIVER_PUSH_TOKEN =
      Setting.matching(
          "ssf.receiver.push.token",
          "",
          Pattern.compile("[A-Za-z0-9._~+/=-]*"),
          "a bearer token (letters, digits, ._~+/=-), or empty",
          "Bearer token a transmitter must present to push SETs to Vigil; empty accepts any.",
          null);

  /** A transmitter poll endpoint Vigil polls as a receiver (RFC 8936); empty for none. */
  public static final Setting<String> SSF_RECEIVER_POLL_URL =
      Setting.matching(
          "ssf.receiver.poll.url",
          "",
          Pattern.compile("(https?://\\S+)?"),
          "an http:// or https:// URL, or empty",
          "Poll endpoint of another transmitter whose SETs Vigil fetches (RFC 8936); empty for none.",
          null);

  /** Bearer token for the poll endpoint. */
  public static final Setting<String> SSF_RECEIVER_POLL_TOKEN =
      Setting.matching(
          "ssf.receiver.poll.token",
          "",
          Pattern.compile("[A-Za-z0-9._~+/=-]*"),
          "a bearer token (letters, digits, ._~+/=-), or empty",
          "Bearer token Vigil sends to ssf.receiver.poll.url.",
          null);

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

  /** The policy this deployment follows. */
  public static final Setting<String> POLICY_ID =
      Setting.matching(
          "policy.id",
          "vigil-default",
          Pattern.compile("[A-Za-z0-9._-]{1,200}"),
          "1-200 letters, digits, '.', '_' or '-'",
          "Id of the policy (on the reference.policy topic) this deployment follows; the built-in"
              + " default policy applies until one with this id is published.",
          null);

  /** Every detector parameter and {@code <detector>.enabled} flag, read off the detectors. */
  public static final List<Setting<String>> DETECTOR_PARAMETERS =
      DetectorParameters.all().values().stream().map(Setting::detectorParameter).toList();

  /** Every setting, in documentation order: Vigil's own, then the detector parameters. */
  public static final List<Setting<?>> ALL = all();

  private static List<Setting<?>> all() {
    List<Setting<?>> all = new java.util.ArrayList<>(fixed());
    all.addAll(DETECTOR_PARAMETERS);
    return List.copyOf(all);
  }

  private static List<Setting<?>> fixed() {
    return List.of(
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
        DEVICE_CHECK_INTERVAL,
        POLICY_ID,
        INGEST_RAW_FORMATS,
        INGEST_RAW_MAPPINGS,
        NUM_STANDBY_REPLICAS,
        ROCKSDB_MEMORY_MB,
        TIMESTAMP_MAX_FUTURE_SKEW,
        TIMESTAMP_MAX_AGE,
        DLQ_MAX_VALUE_BYTES,
        STARTUP_MAX_WAIT,
        HTTP_BIND_ADDRESS,
        HTTP_AUTH_MODE,
        HTTP_AUTH_JWT_ISSUER,
        HTTP_AUTH_JWT_JWKS_URI,
        HTTP_AUTH_JWT_AUDIENCE,
        HTTP_AUTH_STATIC_TOKEN,
        HTTP_AUTH_MTLS_ALLOWED_SUBJECTS,
        HTTP_AUTH_OPEN_ENDPOINTS,
        HTTP_TLS_KEYSTORE_PATH,
        HTTP_TLS_KEYSTORE_PASSWORD,
        HTTP_TLS_TRUSTSTORE_PATH,
        HTTP_TLS_TRUSTSTORE_PASSWORD,
        SETS_KEYSTORE_PREVIOUS_ALIASES,
        SETS_KEY_PATH,
        SETS_KEY_PREVIOUS_PATHS,
        SSF_ENABLED,
        SSF_BASE_URL,
        SSF_DEFAULT_SUBJECTS,
        SSF_PUSH_MAX_RETRIES,
        SSF_PUSH_BACKOFF_MS,
        SSF_DEV_TOKEN,
        SSF_RECEIVER_ISSUERS,
        SSF_RECEIVER_AUDIENCE,
        SSF_RECEIVER_PUSH_TOKEN,
        SSF_RECEIVER_POLL_URL,
        SSF_RECEIVER_POLL_TOKEN,
        METRICS_KAFKA_DETAIL,
        LOG_FORMAT);
  }

  private static final Map<String, Setting<?>> BY_KEY = new LinkedHashMap<>();
  private static final Map<String, Setting<?>> BY_KAFKA_ALIAS = new LinkedHashMap<>();
  private static final Map<String, String> BY_ENV = new LinkedHashMap<>();

  static {
    for (Setting<?> s : ALL) {
      BY_KEY.put(s.key(), s);
      BY_ENV.put(
          s.key().toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'), s.key());
      if (s.kafkaAlias() != null) {
        BY_KAFKA_ALIAS.put(s.kafkaAlias(), s);
      }
    }
  }

  private Settings() {}

  /** Whether a key is a detector parameter. */
  public static boolean isDetectorParameter(String key) {
    return DetectorParameters.all().containsKey(key);
  }

  /**
   * The key an environment variable name stands for ({@code LOGIN_PASSWORD_SPRAY_MIN_SUBJECTS} for
   * {@code login.password-spray.min-subjects}), if it names a known setting.
   */
  public static Optional<String> byEnvironmentName(String name) {
    return Optional.ofNullable(BY_ENV.get(name));
  }

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
