package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VigilCliTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

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
    int code = vigil("run", "--colour", "red");

    // Then
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .startsWith("Unknown option")
        .contains("'--colour'")
        .endsWith("See 'vigil run --help'.")
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
  void shouldLayerEnvironmentAndFlagsGivenBeforeOrAfterTheSubcommand() {
    // When settings come from env and flags, some after the subcommand
    int code =
        vigil(
            Map.of("VIGIL_APPLICATION_ID", "from-env", "KAFKA_LINGER_MS", "7"),
            "--topic-prefix",
            "acme",
            "config",
            "--bootstrap-servers",
            "k1:9092",
            "--set",
            "num.stream.threads=2");

    // Then every value is shown with where it came from
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("topic.prefix = acme  (", "--topic-prefix")
        .contains("bootstrap.servers = k1:9092  (", "--bootstrap-servers")
        .contains("num.stream.threads = 2  (", "num.stream.threads=2")
        .contains("application.id = from-env  (", "VIGIL_APPLICATION_ID")
        .contains("linger.ms = 7");
  }

  @ParameterizedTest
  @CsvSource({"60s, PT1M", "2m, PT2M", "PT1M, PT1M", "1h, PT1H", "500ms, PT0.5S"})
  void shouldAcceptDurationForms(String text, String expected) {
    // When / Then
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
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
