package dev.vigil.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.app.config.VigilConfig.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VigilConfigTest {

  @TempDir Path dir;

  @Test
  void shouldUseDefaultsWhenNothingIsSet() {
    // Given no file, no environment and no flags
    // When the configuration is loaded
    VigilConfig config = VigilConfig.loader().environment(Map.of()).load();

    // Then every setting has its default
    assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
    assertThat(config.topicPrefix()).isEqualTo("vigil");
    assertThat(config.applicationId()).isEqualTo("vigil");
    assertThat(config.stateDir()).isEqualTo(Path.of(".vigil/state"));
    assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
    assertThat(config.numStreamThreads()).isEqualTo(1);
    assertThat(config.replicationFactor()).isEqualTo((short) 3);
    assertThat(config.streamsProperties())
        .containsEntry("num.standby.replicas", 1)
        .containsEntry("vigil.rocksdb.memory.bytes", 128L * 1024 * 1024)
        .containsEntry("vigil.timestamp.max.future.skew.ms", 300_000L)
        .containsEntry("max.task.idle.ms", -1L);
    assertThat(config.partitions()).isEqualTo(6);
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.maxRecordBytes()).isEqualTo(1_048_576);
    assertThat(config.origin("partitions").layer()).isEqualTo(Layer.DEFAULT);
    assertThat(config.kafkaProperties()).isEmpty();
  }

  @Test
  void shouldLetFlagsBeatEnvironmentBeatFileBeatDefaults() throws IOException {
    // Given a file, the environment and flags that overlap
    Path file =
        write(
            "vigil.yaml",
            "partitions: 3\nhttp.port: 9000\ntopic.prefix: from-file\napplication.id: file-app\n");
    Map<String, String> env = Map.of("VIGIL_HTTP_PORT", "9100", "VIGIL_TOPIC_PREFIX", "from-env");

    // When loaded with a --set and a dedicated flag
    VigilConfig config =
        VigilConfig.loader()
            .configFile(file)
            .environment(env)
            .set("topic.prefix=from-flag")
            .flag("bootstrap.servers", "broker:19092", "--bootstrap-servers")
            .load();

    // Then each setting comes from the highest layer that sets it
    assertThat(config.partitions()).isEqualTo(3);
    assertThat(config.applicationId()).isEqualTo("file-app");
    assertThat(config.httpPort()).isEqualTo(9100);
    assertThat(config.topicPrefix()).isEqualTo("from-flag");
    assertThat(config.bootstrapServers()).isEqualTo("broker:19092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://localhost:8081");
    assertThat(config.origin("partitions").where()).isEqualTo("in " + file);
    assertThat(config.origin("http.port").where())
        .isEqualTo("in environment variable VIGIL_HTTP_PORT");
    assertThat(config.origin("topic.prefix").layer()).isEqualTo(Layer.FLAG);
  }

  @Test
  void shouldMapVigilAndKafkaEnvironmentVariables() {
    // Given VIGIL_* and KAFKA_* variables, and ones that are not settings
    Map<String, String> env =
        Map.of(
            "VIGIL_SCHEMA_REGISTRY_URL", "http://registry:8081",
            "VIGIL_NUM_STREAM_THREADS", "2",
            "KAFKA_LINGER_MS", "5",
            "KAFKA_SECURITY_PROTOCOL", "SSL",
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
            "KAFKA_HEAP_OPTS", "-Xmx1g",
            "VIGIL_JAVA_OPTS", "-Xmx512m",
            "PATH", "/usr/bin");

    // When loaded
    VigilConfig config = VigilConfig.loader().environment(env).load();

    // Then VIGIL_FOO_BAR set foo.bar, KAFKA_FOO_BAR passed foo.bar through to clients, and
    // KAFKA_BOOTSTRAP_SERVERS set the Vigil setting it stands for
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8081");
    assertThat(config.numStreamThreads()).isEqualTo(2);
    assertThat(config.bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(config.kafkaProperties())
        .containsExactlyInAnyOrderEntriesOf(Map.of("linger.ms", "5", "security.protocol", "SSL"));
    assertThat(config.clientProperties())
        .containsEntry("bootstrap.servers", "kafka:9092")
        .containsEntry("linger.ms", "5");
  }

  @Test
  void shouldBuildStreamsPropertiesWithPassThrough() throws IOException {
    // Given a properties file with Vigil settings and kafka.* pass-through
    Path file =
        write(
            "vigil.properties",
            "application.id=risk\nprocessing.guarantee=at_least_once\n"
                + "kafka.cache.max.bytes.buffering=0\nkafka.replication.factor=3\n"
                + "kafka.max.task.idle.ms=0\n");

    // When loaded
    VigilConfig config = VigilConfig.loader().configFile(file).environment(Map.of()).load();
    Properties streams = config.streamsProperties();

    // Then Kafka Streams gets the Vigil settings plus the pass-through ones
    assertThat(streams)
        .containsEntry("application.id", "risk")
        .containsEntry("bootstrap.servers", "localhost:9092")
        .containsEntry("state.dir", ".vigil/state")
        .containsEntry("processing.guarantee", "at_least_once")
        .containsEntry("replication.factor", 3)
        .containsEntry("num.stream.threads", 1)
        .containsEntry("commit.interval.ms", 100)
        .containsEntry("cache.max.bytes.buffering", "0")
        .containsEntry("max.task.idle.ms", "0")
        .doesNotContainKey("default.timestamp.extractor");
    assertThat(config.replicationFactor()).isEqualTo((short) 3);
  }

  @Test
  void shouldFlattenNestedYaml() throws IOException {
    // Given YAML with nested maps and a list
    Path file =
        write(
            "nested.yml",
            "schema:\n  registry:\n    url: http://r:8081\n"
                + "kafka:\n  linger.ms: 20\n"
                + "bootstrap.servers:\n  - a:9092\n  - b:9092\n");

    // When loaded
    VigilConfig config = VigilConfig.loader().configFile(file).environment(Map.of()).load();

    // Then nested keys became dotted keys and the list a comma-separated value
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://r:8081");
    assertThat(config.kafkaProperties()).containsEntry("linger.ms", "20");
    assertThat(config.bootstrapServers()).isEqualTo("a:9092,b:9092");
  }

  @Test
  void shouldReadTheFileNamedByVigilConfigUnlessConfigIsGiven() throws IOException {
    // Given two files, one named by VIGIL_CONFIG
    Path fromEnv = write("env.yaml", "partitions: 2\n");
    Path fromFlag = write("flag.yaml", "partitions: 4\n");
    Map<String, String> env = Map.of("VIGIL_CONFIG", fromEnv.toString());

    // When loaded without and with --config
    VigilConfig withoutFlag = VigilConfig.loader().environment(env).load();
    VigilConfig withFlag = VigilConfig.loader().configFile(fromFlag).environment(env).load();

    // Then --config wins over VIGIL_CONFIG
    assertThat(withoutFlag.partitions()).isEqualTo(2);
    assertThat(withFlag.partitions()).isEqualTo(4);
  }

  @Test
  void shouldNameKeyFileAndSuggestionForAnUnknownSetting() throws IOException {
    // Given a file with a misspelt key
    Path file = write("vigil.yaml", "procesing.guarantee: exactly_once_v2\n");

    // When loaded, Then the one-sentence error names key, file and the likely key
    assertThatThrownBy(() -> VigilConfig.loader().configFile(file).environment(Map.of()).load())
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "Unknown setting 'procesing.guarantee' in "
                + file
                + "; did you mean 'processing.guarantee'?");
  }

  @Test
  void shouldWarnAboutAnUnknownEnvironmentVariableAndStillLoad() {
    // Given an environment variable that is no setting beside one that is
    Map<String, String> env = Map.of("VIGIL_COLOUR", "blue", "VIGIL_PARTITONS", "3");
    VigilConfig.Loader loader = VigilConfig.loader().environment(env);

    // When loaded
    VigilConfig config = loader.load();

    // Then it starts with defaults and each unknown variable is named in a warning
    assertThat(config.partitions()).isEqualTo(6);
    assertThat(loader.warnings())
        .containsExactly(
            "Ignored environment variable VIGIL_COLOUR: it names no setting ('colour').",
            "Ignored environment variable VIGIL_PARTITONS: it names no setting ('partitons'); did"
                + " you mean 'partitions'?");
  }

  @Test
  void shouldReadASourcedSandboxFileWithoutWarnings() throws Exception {
    // Given the variables of a dev sandbox's env file exported into the environment
    Path file = write(DevSandboxFile.FILE_NAME, "");
    DevSandboxFile.write(file, "localhost:19092", "http://localhost:18081", "http://localhost:1");
    Map<String, String> env = new java.util.HashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (!line.startsWith("#") && eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    VigilConfig.Loader loader = VigilConfig.loader().environment(env);

    // When loaded
    VigilConfig config = loader.load();

    // Then the addresses are taken and the sandbox's own variables raise no warning
    assertThat(config.bootstrapServers()).isEqualTo("localhost:19092");
    assertThat(loader.warnings()).isEmpty();
  }

  @Test
  void shouldStillRejectAnUnknownKeyGivenAsAFlag() {
    // Given an unknown key in a flag, When loaded, Then it is an error naming the key
    assertThatThrownBy(() -> VigilConfig.loader().environment(Map.of()).set("colour=blue").load())
        .isInstanceOf(VigilConfigException.class)
        .hasMessageStartingWith("Unknown setting 'colour' in --set colour=blue")
        .hasMessageContaining("'vigil config' lists every setting");
  }

  @Test
  void shouldExplainAnOutOfRangeOrWrongTypeValue() {
    // Given bad values in the environment and in a flag
    Map<String, String> env = Map.of("VIGIL_PARTITIONS", "lots");

    // When loaded, Then each error names key, source and what is allowed
    assertThatThrownBy(() -> VigilConfig.loader().environment(env).load())
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "Setting 'partitions' in environment variable VIGIL_PARTITIONS must be an integer"
                + " from 1 to 10000, not 'lots'.");
    assertThatThrownBy(
            () ->
                VigilConfig.loader()
                    .environment(Map.of())
                    .set("processing.guarantee=exactly_once")
                    .load())
        .isInstanceOf(VigilConfigException.class)
        .hasMessage(
            "Setting 'processing.guarantee' in --set processing.guarantee=exactly_once must be"
                + " one of at_least_once, exactly_once_v2, not 'exactly_once'.");
    assertThatThrownBy(
            () ->
                VigilConfig.loader()
                    .environment(Map.of())
                    .flag("http.port", "70000", "--http-port")
                    .load())
        .hasMessageContaining("must be an integer from -1 to 65535, or disabled");
  }

  @Test
  void shouldRejectConflictingValuesWithinOneLayer() {
    // Given the same setting twice in the environment with different values
    Map<String, String> env =
        Map.of("VIGIL_BOOTSTRAP_SERVERS", "a:9092", "KAFKA_BOOTSTRAP_SERVERS", "b:9092");

    // When loaded, Then the error names the setting and both places
    assertThatThrownBy(() -> VigilConfig.loader().environment(env).load())
        .isInstanceOf(VigilConfigException.class)
        .hasMessageStartingWith("Setting 'bootstrap.servers' is given two different values")
        .hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS")
        .hasMessageContaining("VIGIL_BOOTSTRAP_SERVERS");
  }

  @Test
  void shouldRejectMalformedSetFlagsAndMissingFiles() {
    // Given a --set without '=' and a missing file, When loaded, Then each is one clear sentence
    assertThatThrownBy(() -> VigilConfig.loader().set("partitions"))
        .hasMessage("Flag --set partitions must have the form key=value, e.g. partitions=12.");
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> VigilConfig.loader().configFile(missing).environment(Map.of()).load())
        .hasMessage(
            "Config file " + missing + " (named by --config) does not exist or is not a file.");
  }

  @Test
  void shouldApplyProgrammaticOverridesAboveFlags() {
    // Given a flag-set bootstrap
    VigilConfig config =
        VigilConfig.loader()
            .environment(Map.of())
            .flag("bootstrap.servers", "x:1", "--bootstrap-servers")
            .load();

    // When the demo points it at its broker
    VigilConfig demo = config.with("bootstrap.servers", "127.0.0.1:40000", "by the demo");

    // Then the override wins and the original is untouched
    assertThat(demo.bootstrapServers()).isEqualTo("127.0.0.1:40000");
    assertThat(demo.origin("bootstrap.servers").layer()).isEqualTo(Layer.OVERRIDE);
    assertThat(config.bootstrapServers()).isEqualTo("x:1");
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void shouldMaskKafkaSecretsAndHttpTokensInTheDescription() {
    // Given SASL, TLS and HTTP secrets from several layers
    VigilConfig config =
        VigilConfig.loader()
            .environment(
                Map.of(
                    "KAFKA_SASL_JAAS_CONFIG",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"vigil\" password=\"s3cret-pw\";",
                    "KAFKA_SSL_KEY_PASSWORD",
                    "key-pw-123",
                    "KAFKA_SASL_MECHANISM",
                    "SCRAM-SHA-512"))
            .set("kafka.sasl.oauthbearer.client.credentials.client.secret=oauth-secret-1")
            .set("http.auth.static.token=dev-token-0123456789")
            .set("sets.keystore.password=keystore-pw")
            .load();

    // When it is described (vigil config)
    String described = String.join("\n", config.describe());

    // Then no secret appears, but the non-secret settings do
    assertThat(described)
        .doesNotContain("s3cret-pw", "key-pw-123", "oauth-secret-1", "dev-token-0123456789")
        .doesNotContain("keystore-pw")
        .contains("kafka.sasl.jaas.config = ******")
        .contains("kafka.sasl.mechanism = SCRAM-SHA-512");
  }

  @Test
  void shouldShowDetectorParametersWhoseNameContainsASecretWord() {
    // Given a password-spray parameter (its key contains "password")
    VigilConfig config = VigilConfig.loader().set("login.password-spray.min-subjects=5").load();

    // When it is described, Then its value is shown, not masked
    assertThat(String.join("\n", config.describe()))
        .contains(
            "login.password-spray.min-subjects = 5  (in --set login.password-spray.min-subjects=5)");
  }
}
