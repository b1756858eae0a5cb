package dev.vigil.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.decision.PolicyParser;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCommandTest {

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int vigil(String... args) {
    return VigilCli.execute(Map.of(), new PrintWriter(out), new PrintWriter(err), args);
  }

  private Path file(String text) throws Exception {
    Path f = dir.resolve("policy.yaml");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void shouldAcceptTheShippedPolicyAndListItsRules() throws Exception {
    // Given the default policy as a file
    Path f = file(PolicyParser.defaultPolicyText());

    // When it is validated
    int code = vigil("policy", "validate", f.toString());

    // Then it passes with a summary and every rule
    assertThat(code).isZero();
    assertThat(out.toString())
        .startsWith("Policy 'vigil-default' version 1 is valid: 6 rules (5 enforce, 1 audit).")
        .contains("revoke-expired-grants", "quarantine-compromised-workload", "audit");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void shouldRejectAnInvalidPolicyInOneSentence() throws Exception {
    // Given a rule with a misspelt condition
    Path f =
        file(
            """
            policyId: p
            version: 2
            rules:
              - id: r1
                when: {minlevel: high}
                action: step_up
            """);

    // When it is validated
    int code = vigil("policy", "validate", f.toString());

    // Then it fails with one line naming the file, the rule and the key
    assertThat(code).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith(f + ": Rule 'r1''s 'when' has an unknown key 'minlevel'")
        .doesNotContain("\n", "Exception");
  }

  @Test
  void shouldRejectARuleNamingADetectorThatDoesNotExist() throws Exception {
    // Given a rule keyed on a misspelt detector id
    Path f =
        file(
            """
            policyId: p
            version: 1
            rules:
              - id: mfa
                when:
                  detectorsAny: [login.mfa-fatigeu]
                action: revoke_sessions
            """);

    // When it is validated
    int code = vigil("policy", "validate", f.toString());

    // Then the typo is caught before it silently never matches
    assertThat(code).isEqualTo(1);
    assertThat(err.toString())
        .contains("rule 'mfa' names detector 'login.mfa-fatigeu', which no detector raises");
  }

  @Test
  void shouldSayInOneSentenceWhenTheFileIsMissing() {
    int code = vigil("policy", "validate", dir.resolve("nope.yaml").toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip())
        .isEqualTo("Policy file " + dir.resolve("nope.yaml") + " does not exist.");
  }
}
