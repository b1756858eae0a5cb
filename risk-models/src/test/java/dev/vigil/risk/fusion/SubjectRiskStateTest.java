package dev.vigil.risk.fusion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.RiskLevel;
import org.junit.jupiter.api.Test;

class SubjectRiskStateTest {

  @Test
  void shouldTellTheHighestLevelPublishedFromAnInstantOn() {
    // Given a subject that rose to high at 100, fell to medium at 200 and to low at 300, the
    // changes remembered out of order
    SubjectRiskState state = new SubjectRiskState();
    state.levelChanged(200, RiskLevel.HIGH, RiskLevel.MEDIUM);
    state.levelChanged(100, RiskLevel.MEDIUM, RiskLevel.HIGH);
    state.levelChanged(300, RiskLevel.MEDIUM, RiskLevel.LOW);
    state.level = RiskLevel.LOW;

    // Then
    assertThat(state.levelChanges)
        .extracting(SubjectRiskState.LevelChange::atMillis)
        .containsExactly(100L, 200L, 300L);
    assertThat(state.highestSince(50)).isEqualTo(RiskLevel.HIGH);
    assertThat(state.highestSince(150)).isEqualTo(RiskLevel.HIGH);
    assertThat(state.highestSince(250)).isEqualTo(RiskLevel.MEDIUM);
    assertThat(state.highestSince(300)).isEqualTo(RiskLevel.LOW);
  }

  @Test
  void shouldForgetTheOldestLevelChangesBeyondTheCap() {
    // Given more changes than are kept
    SubjectRiskState state = new SubjectRiskState();
    for (int i = 0; i < SubjectRiskState.MAX_LEVEL_CHANGES + 3; i++) {
      state.levelChanged(
          i * 10L,
          i % 2 == 0 ? RiskLevel.NONE : RiskLevel.MEDIUM,
          i % 2 == 0 ? RiskLevel.MEDIUM : RiskLevel.NONE);
    }

    // Then the last ones are kept, and before the oldest its from-level is assumed
    assertThat(state.levelChanges).hasSize(SubjectRiskState.MAX_LEVEL_CHANGES);
    assertThat(state.levelChanges.get(0).atMillis()).isEqualTo(30);
    assertThat(state.highestSince(0)).isEqualTo(RiskLevel.MEDIUM);
    assertThat(new SubjectRiskState().highestSince(0)).isEqualTo(RiskLevel.NONE);
  }
}
