package dev.vigil.dev.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vigil.app.cli.Observation;
import dev.vigil.dev.demo.generator.ScenarioLabel;
import dev.vigil.schema.Contribution;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * How the demo's labelled attacks fared: per scenario, whether an alert at medium or above named
 * one of its subjects after the attack began, how long after, which detectors spoke, and which
 * decisions followed; plus benign subjects that were alerted.
 *
 * @param scenarios one row per attack scenario
 * @param benignAlerted benign subjects alerted at medium or above during the live phase
 * @param liveAlerts alerts raised during the live phase
 */
public record Scorecard(List<Row> scenarios, List<String> benignAlerted, int liveAlerts) {

  /**
   * One scenario's outcome.
   *
   * @param scenario id
   * @param description what the attack is
   * @param expectedDetector the detector expected to catch it
   * @param detected whether a medium+ alert named one of its subjects after the attack began
   * @param secondsToDetect from the attack's first event to that alert, or null
   * @param detectors detectors behind the alerts on its subjects
   * @param actions decisions taken on its subjects (mode included)
   */
  public record Row(
      String scenario,
      String description,
      String expectedDetector,
      boolean detected,
      Double secondsToDetect,
      Set<String> detectors,
      Set<String> actions) {}

  /**
   * Computes the scorecard.
   *
   * @param labels the attack labels
   * @param observations what the demo saw during the live phase
   * @param wallClockOf when (wall clock) a simulated instant happened
   */
  static Scorecard compute(
      List<ScenarioLabel> labels,
      List<Observation> observations,
      Function<Instant, Long> wallClockOf) {
    List<Row> rows = new ArrayList<>();
    Set<String> attacked = new LinkedHashSet<>();
    for (ScenarioLabel label : labels) {
      attacked.addAll(label.subjects());
      long startWall = wallClockOf.apply(label.attackStart());
      Double seconds = null;
      Set<String> detectors = new TreeSet<>();
      Set<String> actions = new TreeSet<>();
      for (Observation o : observations) {
        if (!label.subjects().contains(o.subject())) {
          continue;
        }
        if (o.value() instanceof RiskAlert a
            && !a.getTimestamp().isBefore(label.attackStart().minusSeconds(1))
            && a.getLevel().compareTo(RiskLevel.MEDIUM) >= 0) {
          a.getContributions().stream().map(Contribution::getDetectorId).forEach(detectors::add);
          double s = Math.max(0, (o.receivedAtMillis() - startWall) / 1000.0);
          seconds = seconds == null ? s : Math.min(seconds, s);
        } else if (o.value() instanceof EnforcementCommand c
            && o.kind() == Observation.Kind.AUDIT
            && !c.getIssuedAt().isBefore(label.attackStart().minusSeconds(1))) {
          actions.add(c.getAction() + " (" + c.getMode().name().toLowerCase(Locale.ROOT) + ")");
        }
      }
      rows.add(
          new Row(
              label.scenario(),
              label.description(),
              label.expectedDetector(),
              seconds != null,
              seconds == null ? null : Math.round(seconds * 10) / 10.0,
              detectors,
              actions));
    }
    Set<String> benign = new TreeSet<>();
    int liveAlerts = 0;
    for (Observation o : observations) {
      if (o.value() instanceof RiskAlert a) {
        liveAlerts++;
        if (a.getLevel().compareTo(RiskLevel.MEDIUM) >= 0 && !attacked.contains(o.subject())) {
          benign.add(o.subject());
        }
      }
    }
    return new Scorecard(rows, List.copyOf(benign), liveAlerts);
  }

  /** Number of scenarios detected. */
  public long detectedCount() {
    return scenarios.stream().filter(Row::detected).count();
  }

  /** The scorecard as a table for people. */
  public String toText() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "%nScorecard: %d of %d attack scenarios detected; %d benign subjects alerted"
                + " (medium or above); %d live alerts in all.%n",
            detectedCount(),
            scenarios.size(),
            benignAlerted.size(),
            liveAlerts));
    sb.append(
        String.format(
            Locale.ROOT, "  %-28s %-9s %-8s %s%n", "scenario", "detected", "after", "by"));
    for (Row r : scenarios) {
      sb.append(
          String.format(
              Locale.ROOT,
              "  %-28s %-9s %-8s %s%s%n",
              r.scenario(),
              r.detected() ? "yes" : "NO",
              r.secondsToDetect() == null ? "-" : r.secondsToDetect() + "s",
              r.detectors().isEmpty() ? "-" : String.join(", ", r.detectors()),
              r.actions().isEmpty() ? "" : "  => " + String.join(", ", r.actions())));
    }
    if (!benignAlerted.isEmpty()) {
      sb.append("  benign subjects alerted: ")
          .append(String.join(", ", benignAlerted.subList(0, Math.min(10, benignAlerted.size()))))
          .append(benignAlerted.size() > 10 ? ", ..." : "")
          .append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** Writes the scorecard as JSON. */
  public void writeJson(Path file) throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("detected", detectedCount());
    doc.put("scenarioCount", scenarios.size());
    doc.put("benignAlerted", benignAlerted);
    doc.put("liveAlerts", liveAlerts);
    doc.put("scenarios", scenarios);
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), doc);
  }
}
