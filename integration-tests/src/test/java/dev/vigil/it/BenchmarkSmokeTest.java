package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dev.cli.DevCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark command works end to end on a tiny input. It checks the report's shape and that
 * both applications really processed the input and answered the latency probes, never how fast:
 * speed is for `vigil bench` runs.
 */
@Tag("integration")
@Timeout(900)
class BenchmarkSmokeTest {

  @TempDir Path work;

  @Test
  void shouldMeasureVigilAgainstThePassThroughBaselineAndWriteTheReport() throws Exception {
    // When a tiny benchmark runs (smaller than --quick)
    Path report = work.resolve("bench.json");
    Run run =
        run(
            "--set",
            "commit.interval.ms=100",
            "bench",
            "--users",
            "50",
            "--history",
            "6h",
            "--samples",
            "20",
            "--work-dir",
            work.resolve("scratch").toString(),
            "--report",
            report.toString());

    // Then it succeeds and reports both sides, their ratios and every figure of the report
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("pass-through", "ratios (vigil / pass-through)");
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    long events = r.get("events").asLong();
    assertThat(events).isPositive();
    assertThat(r.get("subjects").asLong()).isPositive();
    assertThat(r.get("commitIntervalMs").asText()).isEqualTo("100");
    for (String side : new String[] {"baseline", "vigil"}) {
      JsonNode s = r.path(side);
      assertThat(s.path("eventsPerSecond").asLong()).as(side).isPositive();
      assertThat(s.path("window").path("toEvent").asLong())
          .as(side)
          .isGreaterThan(s.path("window").path("fromEvent").asLong())
          .isLessThanOrEqualTo(events);
      assertThat(s.path("cpuSecondsPerMillionEvents").asDouble()).as(side).isPositive();
      assertThat(s.has("heapAfterGcBytes")).as(side).isTrue();
      assertThat(s.path("producedRecords").path("perEvent").asDouble()).as(side).isPositive();
      JsonNode latency = s.path("latencyMs");
      assertThat(latency.path("samples").asInt()).as(side).isEqualTo(20);
      assertThat(latency.path("p50").asDouble()).as(side).isPositive();
      assertThat(latency.path("p99").asDouble())
          .as(side)
          .isGreaterThanOrEqualTo(latency.path("p50").asDouble());
      assertThat(latency.path("p999").asDouble())
          .as(side)
          .isGreaterThanOrEqualTo(latency.path("p99").asDouble());
      // Each probe reaches processing before its output is appended, and that before it commits.
      JsonNode breakdown = latency.path("breakdown");
      assertThat(breakdown.path("acked").path("p50").asDouble()).as(side).isPositive();
      assertThat(breakdown.path("reachedProcessing").path("p50").asDouble())
          .as(side)
          .isPositive()
          .isLessThanOrEqualTo(breakdown.path("outputAppended").path("p50").asDouble());
      assertThat(breakdown.path("outputAppended").path("p50").asDouble())
          .as(side)
          .isLessThanOrEqualTo(breakdown.path("outputCommitted").path("p50").asDouble());
      assertThat(breakdown.path("outputCommitted").path("p50").asDouble())
          .as(side)
          .isEqualTo(latency.path("p50").asDouble());
    }
    // The pass-through copies every signal once (a transaction retried after a rebalance may
    // send some twice); Vigil also writes its stores' changelogs
    assertThat(r.path("baseline").path("producedRecords").path("total").asLong())
        .isGreaterThanOrEqualTo(events);
    assertThat(r.path("vigil").path("producedRecords").path("changelogPerEvent").asDouble())
        .isPositive();
    assertThat(r.path("vigil").path("stateDirBytes").asLong()).isPositive();
    assertThat(r.path("vigil").path("stateBytesPerSubject").asLong()).isPositive();
    assertThat(r.path("ratios").path("throughput").asDouble()).isPositive();
    assertThat(r.path("ratios").path("latencyP50").asDouble()).isPositive();
    // The pass-through's short steady window is measured three times; the median run is reported
    List<Long> runs = new ArrayList<>();
    r.path("baseline").path("eventsPerSecondRuns").forEach(n -> runs.add(n.asLong()));
    assertThat(runs).hasSize(3).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(r.path("baseline").path("eventsPerSecond").asLong())
        .isEqualTo(runs.stream().sorted().toList().get(1));
  }

  @Test
  void shouldReportScaleFiguresAndRestoreTheStateFromTheChangelogs() throws Exception {
    // When the scale mode runs on a few hundred subjects
    Path report = work.resolve("scale.json");
    Run run =
        run(
            "bench",
            "--subjects",
            "300",
            "--work-dir",
            work.resolve("scratch").toString(),
            "--report",
            report.toString());

    // Then every subject was processed, its state counted once per key, and restored after the
    // local state was deleted
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("scale: 300 subjects", "Local state deleted; restoring");
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertThat(r.get("preset").asText()).isEqualTo("scale");
    assertThat(r.get("subjects").asLong()).isEqualTo(300);
    JsonNode vigil = r.path("vigil");
    assertThat(vigil.path("stateLiveBytes").asLong()).isPositive();
    assertThat(vigil.path("stateLogicalBytes").asLong()).isPositive();
    assertThat(vigil.path("stateLogicalBytesPerSubject").asLong())
        .isEqualTo(Math.round(vigil.path("stateLogicalBytes").asLong() / 300.0));
    assertThat(vigil.path("heapAfterGcBytes").isNumber()).isTrue();
    JsonNode restore = vigil.path("restore");
    // At least one changelog record per subject (its risk, at least).
    assertThat(restore.path("changelogRecords").asLong()).isGreaterThanOrEqualTo(300);
    assertThat(restore.path("secondsToReady").asDouble())
        .isGreaterThanOrEqualTo(restore.path("secondsToRunning").asDouble())
        .isPositive();
    assertThat(restore.path("restoredStateSstBytes").asLong()).isPositive();
  }

  /** What one {@code vigil} command printed and returned. */
  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = DevCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }
}
