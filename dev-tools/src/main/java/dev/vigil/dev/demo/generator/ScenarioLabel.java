package dev.vigil.dev.demo.generator;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * Ground truth for one injected scenario, for a detection scorecard.
 *
 * <p>Attack labels ({@link TrafficGenerator#labels()}) name the detector expected to fire and the
 * enforcement action expected. Benign-anomaly labels ({@link TrafficGenerator#benignLabels()}) name
 * the detector that is tempted but must stay quiet, and carry {@link #NO_ACTION}.
 *
 * @param scenario scenario id, equal to {@link GeneratedEvent#scenario()} of its attack events
 * @param description one sentence for people
 * @param subjects the subjects targeted or involved (users, devices, workloads)
 * @param attackStart event time of the first event of the scenario
 * @param expectedDetector detector id, e.g. {@code login.impossible-travel}
 * @param expectedAction an {@code EnforcementAction} name, or {@link #NO_ACTION}
 */
public record ScenarioLabel(
    String scenario,
    String description,
    Set<String> subjects,
    Instant attackStart,
    String expectedDetector,
    String expectedAction) {

  /** The expected action of benign anomalies. */
  public static final String NO_ACTION = "NONE";

  /** Validates and copies. */
  public ScenarioLabel {
    Objects.requireNonNull(scenario, "scenario");
    Objects.requireNonNull(attackStart, "attackStart");
    subjects = Set.copyOf(subjects);
  }

  /**
   * Whether this label describes benign behaviour that must not be acted on.
   *
   * @return {@code true} for benign anomalies
   */
  public boolean isBenign() {
    return NO_ACTION.equals(expectedAction);
  }
}
