package dev.vigil.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vigil.it.ReliabilityRuns.Outcome;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskLevel;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

/** The comparison of a run with its reference, without a broker. */
class ReliabilityRunsTest {

  private static final String ZOE = "zoe.schmidt@corp.example";

  @Test
  void shouldMatchASessionRevokedByTheLevelChangesCommandInsteadOfItsOwn() {
    // Given: the reference revokes the level change's sessions, then the new session on its own;
    // the other run's level-change command (same id) covered the new session too
    Outcome ref = outcome(revoke("level", ZOE, List.of("s-1")), revoke("own", ZOE, List.of("s-2")));
    Outcome run = outcome(revoke("level", ZOE, List.of("s-1", "s-2")));

    // When / Then
    assertThat(ReliabilityRuns.revokedByAnotherCommand(ref, run)).containsExactly("own");
    ReliabilityRuns.assertSameAsReference(ref, run);
  }

  @Test
  void shouldStillFailWhenTheSessionIsNotRevokedAtAll() {
    // Given
    Outcome ref = outcome(revoke("level", ZOE, List.of("s-1")), revoke("own", ZOE, List.of("s-2")));
    Outcome run = outcome(revoke("level", ZOE, List.of("s-1")));

    // When / Then
    assertThat(ReliabilityRuns.revokedByAnotherCommand(ref, run)).isEmpty();
    assertThatThrownBy(() -> ReliabilityRuns.assertSameAsReference(ref, run))
        .hasMessageContaining("decisions vs reference");
  }

  @Test
  void shouldStillFailForAnotherSubjectsRevocationOrAStepUpThatWasItsStrongestAction() {
    // Given
    String tara = "tara.rossi@corp.example";
    Outcome ref =
        outcome(
            revoke("level", ZOE, List.of("s-1")),
            revoke("other", tara, List.of("s-2")),
            command("step", "ivan.petrov@corp.example", EnforcementAction.STEP_UP, List.of()));
    Outcome noTara =
        outcome(
            revoke("level", ZOE, List.of("s-1", "s-2")),
            command("step", "ivan.petrov@corp.example", EnforcementAction.STEP_UP, List.of()));
    Outcome noStepUp =
        outcome(revoke("level", ZOE, List.of("s-1")), revoke("other", tara, List.of("s-2")));

    // When / Then
    assertThatThrownBy(() -> ReliabilityRuns.assertSameAsReference(ref, noTara))
        .hasMessageContaining("decisions vs reference")
        .hasMessageContaining(tara);
    assertThatThrownBy(() -> ReliabilityRuns.assertSameAsReference(ref, noStepUp))
        .hasMessageContaining("ivan.petrov");
  }

  @Test
  void shouldAcceptAStepUpOnTheWayToTheSameRevocationButNotARepeatedCommand() {
    // Given: the reference stepped zoe up at medium, then revoked at high; in the run the finding
    // that took her to medium was scored after the one that took her to high (another task's)
    Outcome ref =
        outcome(
            command("step", ZOE, EnforcementAction.STEP_UP, List.of()),
            revoke("level", ZOE, List.of("s-1")));
    Outcome run = outcome(revoke("level", ZOE, List.of("s-1")));
    Outcome repeated =
        new Outcome(
            List.of("level", "level"),
            List.of(),
            List.of(),
            Map.of(),
            Map.of(),
            run.commandsById(),
            Map.of());

    // When / Then
    ReliabilityRuns.assertSameAsReference(ref, run);
    assertThat(ReliabilityRuns.comparison(10, ref, run, Duration.ZERO, "none"))
        .containsEntry("differingDecisions", List.of())
        .extractingByKey("missingCommands")
        .asInstanceOf(InstanceOfAssertFactories.LIST)
        .hasSize(1);
    assertThatThrownBy(() -> ReliabilityRuns.assertSameAsReference(run, repeated))
        .hasMessageContaining("none repeated");
  }

  @Test
  void shouldFailWhenASubjectReachedAnotherHighestLevel() {
    // Given the same commands, but the run never alerted zoe at high
    Outcome ref = withLevel(outcome(revoke("level", ZOE, List.of("s-1"))), RiskLevel.HIGH);
    Outcome run = withLevel(outcome(revoke("level", ZOE, List.of("s-1"))), RiskLevel.MEDIUM);

    // When / Then
    assertThatThrownBy(() -> ReliabilityRuns.assertSameAsReference(ref, run))
        .hasMessageContaining("highest HIGH");
  }

  private static Outcome withLevel(Outcome o, RiskLevel level) {
    return new Outcome(
        o.commandIds(),
        o.alertIds(),
        o.findingIds(),
        o.detectorOf(),
        o.described(),
        o.commandsById(),
        Map.of(ZOE, level));
  }

  private static EnforcementCommand revoke(String id, String subject, List<String> sessions) {
    return command(id, subject, EnforcementAction.REVOKE_SESSIONS, sessions);
  }

  private static EnforcementCommand command(
      String id, String subject, EnforcementAction action, List<String> sessions) {
    return EnforcementCommand.newBuilder()
        .setCommandId(id)
        .setSubjectId(subject)
        .setAction(action)
        .setReason("test")
        .setIssuedAt(Instant.parse("2026-11-26T14:13:40Z"))
        .setPolicyId("default")
        .setPolicyVersion(1)
        .setRiskScore(76)
        .setRiskLevel(RiskLevel.HIGH)
        .setSessionIds(sessions)
        .build();
  }

  private static Outcome outcome(EnforcementCommand... commands) {
    Map<String, EnforcementCommand> byId = new LinkedHashMap<>();
    for (EnforcementCommand c : commands) {
      byId.put(c.getCommandId(), c);
    }
    return new Outcome(
        List.copyOf(byId.keySet()), List.of(), List.of(), Map.of(), Map.of(), byId, Map.of());
  }
}
