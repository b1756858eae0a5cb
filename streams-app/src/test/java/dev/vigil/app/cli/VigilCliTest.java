package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.cli.DemoOptions.OutputFormat;
import dev.vigil.app.config.VigilConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VigilCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void clearRunners() {
    Runners.pipeline(null);
    Runners.demo(null);
  }

  private int vigil(Map<String, String> env, String... args) {
    return VigilCli.execute(env, new PrintWriter(out), new PrintWriter(err), args);
  }

  private int vigil(String... args) {
    return vigil(Map.of(), args);
  }

  @Test
  void shouldPrintVersions() {
    // When
    int code = vigil("version");

    // Then
    assertThat(code).isZero();
    assertThat(out.toString()).startsWith("vigil ").contains("Kafka 4.3.1", "Java ");
  }

  @Test
  void shouldExitTwoWithOneSentenceForAnUnknownOption() {
    // When
    int code = vigil("demo", "--colour", "red");

    // Then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("Unknown option")
        .contains("'--colour'")
        .endsWith("See 'vigil demo --help'.")
        .doesNotContain("Exception", "\tat ");
  }

  @Test
  void shouldExitTwoWithOneSentenceForAConfigMistake() {
    // When
    int code = vigil("--set", "procesing.guarantee=at_least_once", "run");

    // Then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .isEqualTo(
            "Unknown setting 'procesing.guarantee' in --set procesing.guarantee=at_least_once;"
                + " did you mean 'processing.guarantee'?"
                + System.lineSeparator());
  }

  @Test
  void shouldPrintTheStackTraceOnlyWithVerbose() {
    // When
    int code = vigil("--verbose", "--set", "partitions=0", "run");

    // Then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .startsWith("Setting 'partitions' in --set partitions=0 must be an integer from 1")
        .contains("VigilConfigException", "\tat ");
  }

  @Test
  void shouldExitOneWhenRunIsNotWired() {
    // When
    int code = vigil("run");

    // Then
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("vigil run is not wired yet: no PipelineRunner is registered.");
  }

  @Test
  void shouldHandTheLayeredConfigToThePipelineRunner() {
    // Given a registered runner and settings from env and flags, some after the subcommand
    AtomicReference<VigilConfig> seen = new AtomicReference<>();
    Runners.pipeline(
        (config, output) -> {
          seen.set(config);
          output.println("running");
          return 0;
        });

    // When
    int code =
        vigil(
            Map.of("VIGIL_APPLICATION_ID", "from-env", "KAFKA_LINGER_MS", "7"),
            "--topic-prefix",
            "acme",
            "run",
            "--bootstrap-servers",
            "k1:9092",
            "--set",
            "num.stream.threads=2");

    // Then
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("running" + System.lineSeparator());
    assertThat(seen.get().topicPrefix()).isEqualTo("acme");
    assertThat(seen.get().bootstrapServers()).isEqualTo("k1:9092");
    assertThat(seen.get().numStreamThreads()).isEqualTo(2);
    assertThat(seen.get().applicationId()).isEqualTo("from-env");
    assertThat(seen.get().kafkaProperties()).containsEntry("linger.ms", "7");
  }

  @Test
  void shouldParseDemoOptionsAndDelegate() {
    // Given a registered demo runner
    AtomicReference<DemoOptions> seen = new AtomicReference<>();
    Runners.demo(
        (config, options, output) -> {
          seen.set(options);
          return 0;
        });

    // When
    int code =
        vigil(
            "demo",
            "--duration",
            "2m",
            "--output",
            "json",
            "--users",
            "10",
            "--seed",
            "7",
            "--data-dir",
            "/tmp/demo",
            "--port",
            "0",
            "--scorecard",
            "score.json",
            "--rate",
            "50");

    // Then
    assertThat(code).isZero();
    DemoOptions options = seen.get();
    assertThat(options.duration()).contains(Duration.ofMinutes(2));
    assertThat(options.output()).isEqualTo(OutputFormat.JSON);
    assertThat(options.users()).isEqualTo(10);
    assertThat(options.seed()).hasValue(7);
    assertThat(options.dataDir()).isEqualTo(Path.of("/tmp/demo"));
    assertThat(options.brokerPort()).isZero();
    assertThat(options.scorecard()).contains(Path.of("score.json"));
    assertThat(options.rate()).isEqualTo(50);
  }

  @Test
  void shouldUseDemoDefaults() {
    // Given
    AtomicReference<DemoOptions> seen = new AtomicReference<>();
    Runners.demo(
        (config, options, output) -> {
          seen.set(options);
          return 0;
        });

    // When
    int code = vigil("demo");

    // Then
    assertThat(code).isZero();
    assertThat(seen.get())
        .isEqualTo(
            new DemoOptions(
                java.util.Optional.empty(),
                OutputFormat.TEXT,
                300,
                java.util.OptionalLong.empty(),
                Path.of(".vigil"),
                9092,
                java.util.Optional.empty(),
                200));
  }

  @ParameterizedTest
  @CsvSource({"60s, PT1M", "2m, PT2M", "PT1M, PT1M", "1h, PT1H", "500ms, PT0.5S"})
  void shouldAcceptDurationForms(String text, String expected) {
    // When / Then
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
  }

  @Test
  void shouldRejectABadDurationOrUserCountWithExitTwo() {
    // When / Then
    assertThat(vigil("demo", "--duration", "soon")).isEqualTo(2);
    assertThat(err.toString())
        .contains("'soon' is not a duration; use e.g. 90s, 2m, 1h, 3d or PT1M");
    assertThat(vigil("demo", "--users", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--users must be at least 1, not 0.");
  }

  @Test
  void shouldReportAnUnreachableClusterInOneSentence() {
    // Given nothing listens on port 1
    // When
    int code =
        vigil(
            "--bootstrap-servers",
            "127.0.0.1:1",
            "--set",
            "kafka.default.api.timeout.ms=2000",
            "--set",
            "kafka.request.timeout.ms=1000",
            "topics",
            "list");

    // Then
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .isEqualTo("Kafka at 127.0.0.1:1 did not answer within 2 s; is it running?");
  }
}
