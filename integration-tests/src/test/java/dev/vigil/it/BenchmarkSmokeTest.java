package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.dev.cli.DevCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark command works end to end on a tiny input. It checks the report's shape and that
 * both applications really processed the input, never how fast: speed is for `vigil bench` runs.
 */
@Tag("integration")
@Timeout(240)
class BenchmarkSmokeTest {

  @TempDir Path work;

  @Test
  void shouldMeasureVigilAgainstThePassThroughBaselineAndWriteTheReport() throws Exception {
    // When a small benchmark runs
    Path report = work.resolve("bench.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        DevCli.execute(
            Map.of(),
            new PrintWriter(out),
            new PrintWriter(err),
            "--set",
            "commit.interval.ms=100",
            "bench",
            "--users",
            "50",
            "--history",
            "6h",
            "--samples",
            "3",
            "--work-dir",
            work.resolve("scratch").toString(),
            "--report",
            report.toString());

    // Then it succeeds and reports both sides and their ratios
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("pass-through", "ratios (vigil / pass-through)");
    JsonNode r = new ObjectMapper().readTree(report.toFile());
    assertThat(r.get("events").asLong()).isPositive();
    assertThat(r.get("commitIntervalMs").asText()).isEqualTo("100");
    for (String side : new String[] {"baseline", "vigil"}) {
      assertThat(r.path(side).path("eventsPerSecond").asLong()).as(side).isPositive();
      assertThat(r.path(side).path("latencyMs").path("p50").asLong()).as(side).isPositive();
    }
    assertThat(r.path("vigil").path("stateDirBytes").asLong()).isPositive();
    assertThat(r.path("ratios").path("throughput").asDouble()).isPositive();
    assertThat(r.path("ratios").path("latencyP50").asDouble()).isPositive();
  }
}
