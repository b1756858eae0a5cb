package dev.vigil.dev.demo.generator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Parameters of a {@link TrafficGenerator}. Two generators with equal settings produce identical
 * events.
 *
 * @param seed the seed of every random choice (population, traffic, attack victims, ids)
 * @param users number of human users in the benign population
 * @param workloads number of workloads in the service graph
 * @param start simulated instant where history ends and the live phase begins
 * @param eventsPerSecond average benign events per simulated second in the live phase
 * @param firstAttackAfter offset from {@code start} of the first attack in the live phase
 * @param attackSpacing simulated time between consecutive attacks
 */
public record GeneratorSettings(
    long seed,
    int users,
    int workloads,
    Instant start,
    double eventsPerSecond,
    Duration firstAttackAfter,
    Duration attackSpacing) {

  /** Default number of human users. */
  public static final int DEFAULT_USERS = 300;

  /** Default number of workloads. */
  public static final int DEFAULT_WORKLOADS = 40;

  /** Default live start: a Monday, 13:00 UTC, when Europe and the US east coast are at work. */
  public static final Instant DEFAULT_START = Instant.parse("2025-06-02T13:00:00Z");

  /** Default live benign rate. */
  public static final double DEFAULT_EVENTS_PER_SECOND = 100.0;

  /** Validates the settings. */
  public GeneratorSettings {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(firstAttackAfter, "firstAttackAfter");
    Objects.requireNonNull(attackSpacing, "attackSpacing");
    if (users < 50) {
      throw new IllegalArgumentException("users must be >= 50 (the attack library needs victims)");
    }
    if (workloads < 12) {
      throw new IllegalArgumentException("workloads must be >= 12 (for a three-tier graph)");
    }
    if (!(eventsPerSecond > 0)) {
      throw new IllegalArgumentException("eventsPerSecond must be > 0");
    }
    if (firstAttackAfter.isNegative() || attackSpacing.isNegative() || attackSpacing.isZero()) {
      throw new IllegalArgumentException("firstAttackAfter must be >= 0 and attackSpacing > 0");
    }
  }

  /**
   * Default settings for the given seed: 300 users, 40 workloads, start {@link #DEFAULT_START}, 100
   * events/s, first attack at +10 s, then one every 7 s.
   *
   * @param seed the random seed
   * @return the settings
   */
  public static GeneratorSettings defaults(long seed) {
    return new GeneratorSettings(
        seed,
        DEFAULT_USERS,
        DEFAULT_WORKLOADS,
        DEFAULT_START,
        DEFAULT_EVENTS_PER_SECOND,
        Duration.ofSeconds(10),
        Duration.ofSeconds(7));
  }

  /**
   * A copy with another seed.
   *
   * @param newSeed the seed
   * @return the copy
   */
  public GeneratorSettings withSeed(long newSeed) {
    return new GeneratorSettings(
        newSeed, users, workloads, start, eventsPerSecond, firstAttackAfter, attackSpacing);
  }

  /**
   * A copy with another live rate.
   *
   * @param rate average benign events per simulated second
   * @return the copy
   */
  public GeneratorSettings withEventsPerSecond(double rate) {
    return new GeneratorSettings(
        seed, users, workloads, start, rate, firstAttackAfter, attackSpacing);
  }
}
