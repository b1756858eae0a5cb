package dev.vigil.app.topology;

import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.enforcement.SecurityEventTokens;
import dev.vigil.enforcement.SetIssuer;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The SET stage: the same decisions enforcement points get as commands, as signed CAEP Security
 * Event Tokens on the SETs topic (key: subject id, value: compact JWS). Enforced commands become
 * session-revoked, assurance-level-change, ... events; alerts become risk-level-change events;
 * device non-compliance findings become device-compliance-change events. Audit-mode decisions never
 * produce a SET.
 */
public final class SetTopology {

  private SetTopology() {}

  /**
   * Adds the stage.
   *
   * @param builder the builder
   * @param topics the topics
   * @param issuer maps and signs
   * @param findings every finding the detectors raise, as they go to the findings topic (null when
   *     no detector is registered)
   * @param metrics counts the SETs published
   */
  public static void add(
      StreamsBuilder builder,
      Topics topics,
      SetIssuer issuer,
      KStream<String, RiskFinding> findings,
      VigilMetrics metrics) {
    // Read back from the commands topic, so SETs carry exactly what enforcement points receive.
    KStream<String, String> fromCommands =
        source(builder, topics.commands(), "sets-commands-source")
            .filter(
                (subject, c) -> c != null && c.getMode() == DecisionMode.ENFORCE,
                Named.as("sets-enforced-commands"))
            .flatMapValues(
                (EnforcementCommand c) -> counted(issuer.issue(c), "command", metrics),
                Named.as("sets-sign-commands"));
    KStream<String, String> fromAlerts =
        source(builder, topics.alerts(), "sets-alerts-source")
            .filter(
                (subject, a) -> a != null && a.getMode() != DecisionMode.AUDIT,
                Named.as("sets-announced-alerts"))
            .flatMapValues(
                (RiskAlert a) -> counted(issuer.issue(a), "alert", metrics),
                Named.as("sets-sign-alerts"));
    KStream<String, String> sets = fromCommands.merge(fromAlerts, Named.as("sets-merge-alerts"));
    if (findings != null) {
      KStream<String, String> fromFindings =
          findings
              .filter(
                  (subject, f) ->
                      f != null
                          && SecurityEventTokens.DEVICE_NON_COMPLIANT_DETECTOR.equals(
                              f.getDetectorId()),
                  Named.as("sets-device-findings"))
              .flatMapValues(
                  (RiskFinding f) -> counted(issuer.issue(f), "finding", metrics),
                  Named.as("sets-sign-findings"));
      sets = sets.merge(fromFindings, Named.as("sets-merge-findings"));
    }
    sets.to(
        topics.sets().name(),
        Produced.with(topics.sets().keySerde(), topics.sets().valueSerde()).withName("sets-sink"));
  }

  private static List<String> counted(Optional<String> set, String source, VigilMetrics metrics) {
    set.ifPresent(s -> metrics.setIssued(source));
    return set.stream().toList();
  }

  private static <V> KStream<String, V> source(
      StreamsBuilder builder, Topic<String, V> topic, String name) {
    return builder.stream(
        topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()).withName(name));
  }
}
