package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil ingest} in dry-run mode: output, reasons, exit codes, option checks. */
class IngestCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String GOOD =
      "{\"EventID\":4624,\"Channel\":\"security\",\"Hostname\":\"WS1.corp\",\"RecordNumber\":7,"
          + "\"EventTime\":\"2020-09-21 22:39:13\",\"TargetUserName\":\"Alice\","
          + "\"LogonType\":\"3\",\"IpAddress\":\"10.0.0.5\"}";
  private static final String LATER =
      "{\"EventID\":4624,\"Channel\":\"Security\",\"Hostname\":\"WS1.corp\",\"RecordNumber\":8,"
          + "\"@timestamp\":\"2020-09-22T03:39:13Z\",\"TargetUserName\":\"bob\",\"LogonType\":\"2\"}";
  private static final String NO_USER =
      "{\"EventID\":4624,\"Channel\":\"Security\",\"@timestamp\":\"2020-09-22T02:39:13Z\"}";
  private static final String OTHER =
      "{\"EventID\":4658,\"Channel\":\"Security\",\"@timestamp\":\"2020-09-22T02:39:13Z\"}";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int vigil(String... args) {
    return VigilCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path file(String... lines) throws Exception {
    return Files.write(dir.resolve("in.json"), List.of(lines));
  }

  @Test
  void shouldPrintOneSignalPerLineAndExitZeroWhenNothingIsRejected() throws Exception {
    // Given a logon and an event type the format ignores, local time in New York
    Path in = file(GOOD, OTHER);

    // When it is ingested dry
    int code =
        vigil(
            "ingest",
            "--format",
            "windows-security",
            "--dry-run",
            "--timezone",
            "America/New_York",
            in.toString());

    // Then one login is printed with its zone-corrected time, and the report names the reason
    assertThat(code).isZero();
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(1);
    JsonNode signal = JSON.readTree(lines.get(0));
    assertThat(signal.path("signal").asText()).isEqualTo("login");
    assertThat(signal.path("key").asText()).isEqualTo("alice");
    assertThat(signal.path("value").path("timestamp").asText()).isEqualTo("2020-09-22T02:39:13Z");
    assertThat(signal.path("value").path("logonType").asText()).isEqualTo("NETWORK");
    assertThat(err.toString())
        .contains("Read 2 records: 1 mapped, 1 ignored, 0 rejected in ")
        .contains("ignored:  unsupported-event-id 1");
  }

  @Test
  void shouldExitThreeAndWriteRejectedRecordsWithReasonsWithoutStopping() throws Exception {
    // Given a bad line and an incomplete record between two good ones
    Path in = file(GOOD, "{oops", NO_USER, LATER);
    Path errors = dir.resolve("rejected.jsonl");

    // When it is ingested dry with an errors file
    int code =
        vigil(
            "ingest",
            "--format",
            "windows-security",
            "--dry-run",
            "--errors",
            errors.toString(),
            in.toString());

    // Then both good records are printed, the exit code is 3, each rejection is written out
    assertThat(code).isEqualTo(IngestCommand.REJECTED);
    assertThat(out.toString().lines()).hasSize(2);
    assertThat(err.toString()).contains("rejected: bad-json 1, missing-field:TargetUserName 1");
    List<JsonNode> rejected = Files.readAllLines(errors).stream().map(l -> readTree(l)).toList();
    assertThat(rejected)
        .extracting(n -> n.path("reason").asText(), n -> n.path("record").asText())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("bad-json", "{oops"),
            org.assertj.core.groups.Tuple.tuple("missing-field:TargetUserName", NO_USER));
  }

  @Test
  void shouldRebaseSoTheLastEventIsNowKeepingRelativeTimes() throws Exception {
    // Given two logons an hour apart (the first in New York local time)
    Path in = file(GOOD, LATER);

    // When they are ingested with --rebase-time
    Instant before = Instant.now();
    int code =
        vigil(
            "ingest",
            "--format",
            "windows-security",
            "--dry-run",
            "--rebase-time",
            "--timezone",
            "America/New_York",
            in.toString());

    // Then the last is now and the first an hour earlier
    assertThat(code).isZero();
    List<Instant> times =
        out.toString()
            .lines()
            .map(l -> Instant.parse(readTree(l).path("value").path("timestamp").asText()))
            .toList();
    assertThat(times.get(1)).isBetween(before.minusMillis(1), Instant.now());
    assertThat(Duration.between(times.get(0), times.get(1))).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void shouldRefuseBadOptionsBeforeReadingAnything() throws Exception {
    // Given a valid input file
    Path in = file(GOOD);

    // When options are wrong
    // Then the exit code is 2 with one sentence
    assertThat(vigil("ingest", "--dry-run", in.toString())).isEqualTo(2);
    assertThat(vigil("ingest", "--format", "syslog", "--dry-run", in.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("Unknown format 'syslog'; formats: windows-security, okta, entra-signin,");
    assertThat(
            vigil(
                "ingest",
                "--format",
                "okta",
                "--timezone",
                "Mars/Base",
                "--dry-run",
                in.toString()))
        .isEqualTo(2);
    assertThat(
            vigil(
                "ingest", "--format", "okta", "--dry-run", dir.resolve("missing.json").toString()))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("Unknown time zone 'Mars/Base' for --timezone")
        .contains("does not exist.");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void shouldUseAMappingFile() throws Exception {
    // Given a one-rule mapping file and a record for it
    Path mapping =
        Files.writeString(
            dir.resolve("vpn.yaml"),
            """
            format: acme-vpn
            rules:
              - signal: login
                fields:
                  timestamp: { path: ts, time: epoch-seconds }
                  subjectId: user
                  authMethod: { const: PASSWORD }
                  outcome: { const: SUCCESS }
            """);
    Path in = file("{\"ts\":1700000000,\"user\":\"carol\"}");

    // When it is ingested with --mapping
    int code = vigil("ingest", "--mapping", mapping.toString(), "--dry-run", in.toString());

    // Then the signal is printed with a hashed event id
    assertThat(code).isZero();
    JsonNode signal = readTree(out.toString().strip());
    assertThat(signal.path("value").path("eventId").asText()).startsWith("acme-vpn:");
    assertThat(signal.path("value").path("timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void shouldRefuseToProduceEventsThePipelineWouldRejectAsTooOldAndSaySo() throws Exception {
    // Given a recorded logon from 2020, older than the accepted two years
    Path in = file(LATER);
    Path errors = dir.resolve("errors.jsonl");

    // When it is ingested as recorded (no --rebase-time) towards a Kafka that is not even there
    int code =
        vigil(
            "--bootstrap-servers",
            "localhost:1",
            "--set",
            "schema.registry.url=mock://ingest-test",
            "ingest",
            "--format",
            "windows-security",
            "--errors",
            errors.toString(),
            in.toString());

    // Then nothing is produced: the record is rejected with its reason, and the hint names the fix
    assertThat(code).isEqualTo(IngestCommand.REJECTED);
    assertThat(err.toString())
        .contains("Read 1 records: 0 mapped, 0 ignored, 1 rejected")
        .contains("rejected: timestamp-out-of-range 1")
        .contains("--rebase-time")
        .contains("timestamp.max.age 730d");
    JsonNode rejected = JSON.readTree(Files.readAllLines(errors).get(0));
    assertThat(rejected.path("reason").asText()).isEqualTo(IngestCommand.OUT_OF_RANGE);
    assertThat(rejected.path("detail").asText())
        .startsWith("event time 2020-09-22T03:39:13Z is more than 730d before the wall clock");
  }

  @Test
  void shouldTakeZeroProgressIntervalAsNeverAsItsHelpSays() throws Exception {
    // Given a file, when it is ingested dry with --progress-interval 0 and 0s
    Path in = file(LATER);
    int plain =
        vigil(
            "ingest",
            "--format",
            "windows-security",
            "--dry-run",
            "--progress-interval",
            "0",
            in.toString());
    int seconds =
        vigil(
            "ingest",
            "--format",
            "windows-security",
            "--dry-run",
            "--progress-interval",
            "0s",
            in.toString());

    // Then both run, and a negative interval is still refused in one sentence
    assertThat(plain).as(err.toString()).isZero();
    assertThat(seconds).as(err.toString()).isZero();
    assertThat(out.toString().lines()).hasSize(2);
    assertThat(
            vigil(
                "ingest",
                "--format",
                "windows-security",
                "--progress-interval",
                "-1s",
                in.toString()))
        .isEqualTo(VigilCli.USAGE);
  }

  private static JsonNode readTree(String s) {
    try {
      return JSON.readTree(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
