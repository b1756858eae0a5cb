package dev.vigil.dev.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benign rate of the production defaults, measured on independent populations (several seeds)
 * through the production topology: people on five continents with corporate-VPN users, frequent
 * travellers (in-flight Wi-Fi included), iCloud Private Relay users, sparse SSO users, admins on
 * restricted consoles and service accounts; a week of history, then a live day with twelve attack
 * kinds. A measurement, not part of the default build (one seed of 1,000 people is about 180 k
 * events through the topology): it runs when {@code vigil.population.users} is set, e.g. {@code
 * -Dvigil.population.users=1000 -Dvigil.population.seeds=7,11} (docs/detectors.md, "Benign rate on
 * an independent population"). Figures are printed and written to {@code
 * target/population-benign-rate.txt}.
 */
@EnabledIfSystemProperty(named = "vigil.population.users", matches = "\\d+")
class PopulationBenignRateTest {

  private static final int USERS = Integer.getInteger("vigil.population.users", 1000);
  private static final List<Long> SEEDS =
      Arrays.stream(System.getProperty("vigil.population.seeds", "7,11").split(","))
          .map(String::trim)
          .map(Long::parseLong)
          .toList();
  private static final Duration HISTORY =
      Duration.ofDays(Integer.getInteger("vigil.population.history-days", 7));
  private static final Duration LIVE = Duration.ofDays(1);

  @TempDir static Path stateDir;
  private static final List<PopulationReplay.Result> results = new ArrayList<>();

  @BeforeAll
  static void measure() throws IOException {
    StringBuilder report = new StringBuilder();
    for (long seed : SEEDS) {
      try (PopulationReplay replay =
          new PopulationReplay(seed, USERS, stateDir.resolve("seed-" + seed))) {
        PopulationReplay.Result r = replay.run(HISTORY, LIVE);
        results.add(r);
        report.append(r.describe()).append('\n');
      }
    }
    report.append(summary());
    System.out.println(report);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "population-benign-rate.txt"), report.toString());
  }

  private static String summary() {
    long benign = results.stream().mapToLong(r -> r.benignPeople().size()).sum();
    double personDays = results.stream().mapToDouble(r -> r.people() * r.liveDays()).sum();
    long detected = results.stream().mapToLong(r -> r.scorecard().detectedCount()).sum();
    long attacks = results.stream().mapToLong(r -> r.scorecard().scenarios().size()).sum();
    return String.format(
        Locale.ROOT,
        "SUMMARY %d seed(s) x %d users: benign people at medium or above %.2f per 1,000 per day"
            + " (%d in %.0f person-days); attacks detected %d of %d%n",
        results.size(),
        USERS,
        benign * 1000.0 / personDays,
        benign,
        personDays,
        detected,
        attacks);
  }

  @Test
  void shouldRaiseAtMostOneBenignPersonPerThousandPerDayAtMediumOrAbove() {
    // Given populations of several seeds replayed through the production topology

    // Then: across the seeds, at most 1 benign person per 1,000 per day (rounded up per seed)
    long benign = results.stream().mapToLong(r -> r.benignPeople().size()).sum();
    double personDays = results.stream().mapToDouble(r -> r.people() * r.liveDays()).sum();
    assertThat(benign)
        .as(summary() + results.stream().map(PopulationReplay.Result::describe).toList())
        .isLessThanOrEqualTo((long) Math.ceil(personDays / 1000.0));
  }

  @Test
  void shouldDetectTheAttacksOfEveryKind() {
    // Given the same runs

    // Then: every attack kind is detected in every seed, the takeovers of corporate-VPN and
    // iCloud Private Relay users from a consumer VPN included
    assertThat(results)
        .allSatisfy(
            r ->
                assertThat(r.scorecard().scenarios())
                    .as(r.describe())
                    .hasSize(12)
                    .allSatisfy(row -> assertThat(row.detected()).as(row.scenario()).isTrue()));
  }
}
