package dev.vigil.dev.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo's scorecard as a regression test, computed by the production topology under a test
 * driver: seed 42, seven days of history and two minutes of live traffic at 200 events/s.
 */
class DemoScenariosTest {

  private static final long SEED = 42L;
  private static final Duration LIVE = Duration.ofSeconds(120);

  @TempDir static Path stateDir;
  private static TopologyReplay.Result result;

  @BeforeAll
  static void replayOnce() throws IOException {
    GeneratorSettings settings = GeneratorSettings.defaults(SEED).withEventsPerSecond(200);
    // A device check a minute into the live phase, so stale-posture checks run on benign devices.
    try (TopologyReplay replay =
        new TopologyReplay(settings, stateDir, Map.of("device.check.interval", "60s"))) {
      result = replay.run(Duration.ofDays(7), LIVE);
    }
    // Left in target/ for people comparing runs; the assertions below are the test.
    result.scorecard().writeJson(Path.of("target", "offline-scorecard.json"));
    Files.writeString(Path.of("target", "offline-scorecard.txt"), describe());
  }

  @Test
  void shouldDetectEveryAttackScenarioAtMediumOrAbove() {
    // Given the replay of the demo's traffic

    // Then
    assertThat(result.scorecard().scenarios())
        .as(describe())
        .hasSize(10)
        .allSatisfy(row -> assertThat(row.detected()).as(row.scenario()).isTrue());
  }

  @Test
  void shouldAlertNoMoreThanAHandfulOfBenignSubjects() {
    // Given the replay of the demo's traffic

    // Then
    assertThat(result.scorecard().benignAlerted()).as(describe()).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void shouldReplayHistoryAndLiveTraffic() {
    // Then: a week of history and two minutes at 200 events/s were replayed
    assertThat(result.historyEvents()).isGreaterThan(50_000);
    assertThat(result.liveEvents()).isGreaterThan(20_000);
  }

  private static String describe() {
    Scorecard card = result.scorecard();
    List<String> benign = card.benignAlerted();
    String alerts =
        result.alerts().stream()
            .filter(a -> benign.contains(a.getSubjectId()))
            .filter(a -> a.getLevel().compareTo(RiskLevel.MEDIUM) >= 0)
            .map(DemoScenariosTest::line)
            .collect(Collectors.joining("\n"));
    return card.toText()
        + "\nfindings (all): "
        + result.findingsByDetector()
        + "\nbenign alerts:\n"
        + alerts;
  }

  private static String line(RiskAlert a) {
    return "  "
        + a.getSubjectId()
        + " "
        + a.getLevel()
        + " "
        + a.getScore()
        + " at "
        + a.getTimestamp()
        + ": "
        + a.getContributions().stream()
            .map(Contribution::getSummary)
            .collect(Collectors.joining(" | "));
  }
}
