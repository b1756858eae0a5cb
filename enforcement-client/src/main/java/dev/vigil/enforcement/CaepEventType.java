package dev.vigil.enforcement;

import java.util.Arrays;
import java.util.Optional;

/** The CAEP 1.0 event types Vigil issues, with their event type URIs (CAEP 1.0 §3). */
public enum CaepEventType {
  /** §3.1: the subject's sessions (or one session) were revoked. */
  SESSION_REVOKED("session-revoked"),
  /** §3.2: claims in tokens issued to the subject changed (Vigil: a JIT grant was revoked). */
  TOKEN_CLAIMS_CHANGE("token-claims-change"),
  /** §3.3: a credential of the subject was created, revoked, updated or deleted. */
  CREDENTIAL_CHANGE("credential-change"),
  /** §3.4: the subject's authentication assurance level changed (Vigil: step-up required). */
  ASSURANCE_LEVEL_CHANGE("assurance-level-change"),
  /** §3.5: a device's compliance status changed. */
  DEVICE_COMPLIANCE_CHANGE("device-compliance-change"),
  /** §3.8: a principal's risk level changed. */
  RISK_LEVEL_CHANGE("risk-level-change");

  /** Base URI of every CAEP event type. */
  public static final String BASE_URI = "https://schemas.openid.net/secevent/caep/event-type/";

  private final String uri;

  CaepEventType(String name) {
    this.uri = BASE_URI + name;
  }

  /** The event type URI, the key of the event in the SET's {@code events} claim. */
  public String uri() {
    return uri;
  }

  /** The event type with this URI, if it is one Vigil knows. */
  public static Optional<CaepEventType> fromUri(String uri) {
    return Arrays.stream(values()).filter(t -> t.uri.equals(uri)).findFirst();
  }
}
