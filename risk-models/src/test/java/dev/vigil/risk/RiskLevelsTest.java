package dev.vigil.risk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.RiskLevel;
import org.junit.jupiter.api.Test;

class RiskLevelsTest {

  @Test
  void shouldBandScoresAtTheDocumentedThresholds() {
    assertThat(RiskLevels.of(19.9)).isEqualTo(RiskLevel.NONE);
    assertThat(RiskLevels.of(20)).isEqualTo(RiskLevel.LOW);
    assertThat(RiskLevels.of(40)).isEqualTo(RiskLevel.MEDIUM);
    assertThat(RiskLevels.of(70)).isEqualTo(RiskLevel.HIGH);
    assertThat(RiskLevels.of(90)).isEqualTo(RiskLevel.CRITICAL);
  }

  @Test
  void shouldRiseAtOnceButFallOnlyPastTheMargin() {
    // Given a subject held at HIGH
    // When the score dips just under the HIGH bound, the level holds
    assertThat(RiskLevels.withHysteresis(68, RiskLevel.HIGH, 5)).isEqualTo(RiskLevel.HIGH);
    // When it falls past the margin, the level drops
    assertThat(RiskLevels.withHysteresis(64, RiskLevel.HIGH, 5)).isEqualTo(RiskLevel.MEDIUM);
    // And a large drop falls through several levels at once
    assertThat(RiskLevels.withHysteresis(3, RiskLevel.HIGH, 5)).isEqualTo(RiskLevel.NONE);
    // And rising is immediate
    assertThat(RiskLevels.withHysteresis(71, RiskLevel.MEDIUM, 5)).isEqualTo(RiskLevel.HIGH);
  }
}
