package dev.vigil.enforcement;

import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import java.util.Objects;
import java.util.Optional;

/** Maps decisions to CAEP claims and signs them: what a transmitter needs to emit SETs. */
public final class SetIssuer {

  private final SecurityEventTokens tokens;
  private final SetSigner signer;

  /**
   * @param tokens the claims mapping (issuer, audience)
   * @param signer the signing key
   */
  public SetIssuer(SecurityEventTokens tokens, SetSigner signer) {
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.signer = Objects.requireNonNull(signer, "signer");
  }

  /** The signed SET of an enforced command; empty for audit-mode or non-CAEP actions. */
  public Optional<String> issue(EnforcementCommand command) {
    return tokens.fromCommand(command).map(signer::sign);
  }

  /** The signed risk-level-change SET of an alert, if it warrants one. */
  public Optional<String> issue(RiskAlert alert) {
    return tokens.fromAlert(alert).map(signer::sign);
  }

  /** The signed device-compliance-change SET of a finding, if it is a non-compliance finding. */
  public Optional<String> issue(RiskFinding finding) {
    return tokens.fromFinding(finding).map(signer::sign);
  }

  /** The signer (for the JWKS). */
  public SetSigner signer() {
    return signer;
  }

  /** The claims mapping. */
  public SecurityEventTokens tokens() {
    return tokens;
  }
}
