package dev.vigil.enforcement;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns Vigil's decisions into the claims of CAEP 1.0 Security Event Tokens (RFC 8417, SSF 1.0):
 * one event per SET, the subject in a top-level {@code sub_id} (RFC 9493), no {@code sub} and no
 * {@code exp}.
 *
 * <p>Subjects follow the CAEP interoperability profile (§2.6): {@code email} or {@code iss_sub}
 * (with this issuer), and {@code complex} {@code user} + {@code session}/{@code device} whose
 * members are {@code iss_sub}; never {@code opaque}. Every event carries a short, non-empty {@code
 * reason_admin} (profile §3: required for session-revoked and credential-change).
 *
 * <p>Every claim is a function of the input record: {@code iat} and {@code event_timestamp} are the
 * decision's own time and {@code jti} is derived from the command, alert or finding id, so a replay
 * yields the same SET on the Kafka topic. The SSF transmitter re-issues each SET per stream at
 * delivery, with that stream's {@code aud} and {@code iat} = the delivery time, keeping {@code
 * event_timestamp} and {@code jti}. The {@code txn} claim ties together the SETs of one decision (a
 * command and the alert that announced it share it). A private {@code vigil} claim carries the
 * decision itself (command id, action, expiry, sessions, grant, policy) for Vigil-aware enforcement
 * points.
 *
 * <p>Mapping: REVOKE_SESSIONS → session-revoked; STEP_UP → assurance-level-change (NIST-AAL,
 * increase); QUARANTINE_DEVICE → device-compliance-change (not-compliant); QUARANTINE_WORKLOAD →
 * risk-level-change (HIGH); REVOKE_GRANT → token-claims-change; RESTORE → risk-level-change (LOW);
 * a risk alert → risk-level-change; a device non-compliance finding → device-compliance-change.
 */
public final class SecurityEventTokens {

  /** The detector whose findings become device-compliance-change events. */
  public static final String DEVICE_NON_COMPLIANT_DETECTOR = "device.non-compliant";

  /** Name of the private claim that carries Vigil's decision. */
  public static final String VIGIL_CLAIM = "vigil";

  private final String issuer;
  private final List<String> audience;

  /**
   * Creates the mapper.
   *
   * @param issuer the {@code iss} claim, e.g. {@code https://vigil.local}
   * @param audience the {@code aud} claim values; empty for none
   */
  public SecurityEventTokens(String issuer, List<String> audience) {
    if (issuer == null || issuer.isBlank()) {
      throw new IllegalArgumentException("The SET issuer must not be blank.");
    }
    this.issuer = issuer;
    this.audience = List.copyOf(audience);
  }

  /** The issuer. */
  public String issuer() {
    return issuer;
  }

  /** The audience. */
  public List<String> audience() {
    return audience;
  }

  /**
   * The SET claims for an enforced command; empty for audit-mode commands and for actions with no
   * CAEP meaning ({@code NONE}, {@code UNKNOWN}).
   */
  public Optional<JWTClaimsSet> fromCommand(EnforcementCommand c) {
    Objects.requireNonNull(c, "command");
    if (c.getMode() != DecisionMode.ENFORCE) {
      return Optional.empty();
    }
    String subject = c.getSubjectId();
    Map<String, Object> subId = SubjectIds.of(subject, issuer);
    Map<String, Object> event =
        common(c.getIssuedAt(), "policy", c.getReason(), "Vigil policy: " + c.getAction());
    CaepEventType type;
    switch (c.getAction()) {
      case REVOKE_SESSIONS -> {
        type = CaepEventType.SESSION_REVOKED;
        if (c.getSessionIds().size() == 1) {
          subId = SubjectIds.userSession(subject, c.getSessionIds().get(0), issuer);
        }
      }
      case STEP_UP -> {
        type = CaepEventType.ASSURANCE_LEVEL_CHANGE;
        event.put("namespace", "NIST-AAL");
        event.put("current_level", "nist-aal2");
        event.put("previous_level", "nist-aal1");
        event.put("change_direction", "increase");
      }
      case QUARANTINE_DEVICE -> {
        type = CaepEventType.DEVICE_COMPLIANCE_CHANGE;
        String device = c.getDeviceId();
        if (device != null) {
          subId =
              c.getSubjectType() == SubjectType.DEVICE
                  ? SubjectIds.issSub(issuer, device)
                  : SubjectIds.userDevice(subject, device, issuer);
        }
        event.put("previous_status", "compliant");
        event.put("current_status", "not-compliant");
      }
      case QUARANTINE_WORKLOAD -> {
        type = CaepEventType.RISK_LEVEL_CHANGE;
        event.put("principal", principal(c.getSubjectType()));
        event.put("current_level", "HIGH");
        event.put("risk_reason", riskReason(c.getRuleId(), c.getAction().name()));
      }
      case REVOKE_GRANT -> {
        type = CaepEventType.TOKEN_CLAIMS_CHANGE;
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("vigil_revoked_grant", c.getGrantId() == null ? "" : c.getGrantId());
        event.put("claims", claims);
      }
      case RESTORE -> {
        type = CaepEventType.RISK_LEVEL_CHANGE;
        event.put("principal", principal(c.getSubjectType()));
        event.put("current_level", caepLevel(c.getRiskLevel()));
        event.put("risk_reason", riskReason(c.getRuleId(), c.getAction().name()));
      }
      default -> {
        return Optional.empty();
      }
    }
    Map<String, Object> vigil = new LinkedHashMap<>();
    vigil.put("commandId", c.getCommandId());
    vigil.put("action", c.getAction().name());
    vigil.put("subjectType", c.getSubjectType().name());
    vigil.put("policyId", c.getPolicyId());
    vigil.put("policyVersion", c.getPolicyVersion());
    if (c.getRuleId() != null) {
      vigil.put("ruleId", c.getRuleId());
    }
    vigil.put("riskScore", c.getRiskScore());
    vigil.put("riskLevel", c.getRiskLevel().name());
    if (c.getExpiresAt() != null) {
      vigil.put("expiresAt", c.getExpiresAt().getEpochSecond());
    }
    if (!c.getSessionIds().isEmpty()) {
      vigil.put("sessionIds", new ArrayList<>(c.getSessionIds()));
    }
    if (c.getDeviceId() != null) {
      vigil.put("deviceId", c.getDeviceId());
    }
    if (c.getGrantId() != null) {
      vigil.put("grantId", c.getGrantId());
    }
    return Optional.of(
        claims("command:" + c.getCommandId(), c.getCommandId(), c.getIssuedAt(), subId, type, event)
            .claim(VIGIL_CLAIM, vigil)
            .build());
  }

  /**
   * The risk-level-change SET for an alert; empty when the alert announces an audit-mode decision
   * (enforcement points never see those) or when the change does not move the CAEP level (CAEP has
   * only LOW, MEDIUM and HIGH).
   */
  public Optional<JWTClaimsSet> fromAlert(RiskAlert a) {
    Objects.requireNonNull(a, "alert");
    String current = caepLevel(a.getLevel());
    String previous = caepLevel(a.getPreviousLevel());
    if (a.getMode() == DecisionMode.AUDIT || current.equals(previous)) {
      return Optional.empty();
    }
    String top =
        a.getContributions().isEmpty() ? null : a.getContributions().get(0).getDetectorId();
    // The headline is a full sentence for analysts; receivers get a short reason and a code.
    Map<String, Object> event =
        common(
            a.getTimestamp(),
            "policy",
            "Risk " + previous + " to " + current + (top == null ? "" : " (" + top + ")"),
            "Risk level changed");
    event.put("principal", principal(a.getSubjectType()));
    event.put("current_level", current);
    event.put("previous_level", previous);
    event.put("risk_reason", riskReason(top, "risk-score"));
    Map<String, Object> vigil = new LinkedHashMap<>();
    vigil.put("alertId", a.getAlertId());
    vigil.put("riskScore", a.getScore());
    vigil.put("riskLevel", a.getLevel().name());
    vigil.put("subjectType", a.getSubjectType().name());
    String txn = a.getCommandId() != null ? a.getCommandId() : a.getAlertId();
    return Optional.of(
        claims(
                "alert:" + a.getAlertId(),
                txn,
                a.getTimestamp(),
                SubjectIds.of(a.getSubjectId(), issuer),
                CaepEventType.RISK_LEVEL_CHANGE,
                event)
            .claim(VIGIL_CLAIM, vigil)
            .build());
  }

  /**
   * The device-compliance-change SET for a device non-compliance finding; empty for findings of
   * other detectors.
   */
  public Optional<JWTClaimsSet> fromFinding(RiskFinding f) {
    Objects.requireNonNull(f, "finding");
    if (!DEVICE_NON_COMPLIANT_DETECTOR.equals(f.getDetectorId())) {
      return Optional.empty();
    }
    String device = f.getEvidence().get("deviceId");
    Map<String, Object> subId =
        device == null
            ? SubjectIds.of(f.getSubjectId(), issuer)
            : SubjectIds.userDevice(f.getSubjectId(), device, issuer);
    Map<String, Object> event =
        common(f.getTimestamp(), "system", f.getSummary(), "Device is not compliant");
    event.put("previous_status", "compliant");
    event.put("current_status", "not-compliant");
    Map<String, Object> vigil = new LinkedHashMap<>();
    vigil.put("findingId", f.getFindingId());
    vigil.put("detectorId", f.getDetectorId());
    if (device != null) {
      vigil.put("deviceId", device);
    }
    return Optional.of(
        claims(
                "finding:" + f.getFindingId(),
                f.getFindingId(),
                f.getTimestamp(),
                subId,
                CaepEventType.DEVICE_COMPLIANCE_CHANGE,
                event)
            .claim(VIGIL_CLAIM, vigil)
            .build());
  }

  /** The deterministic {@code jti} for an id: 128 bits of SHA-256, hex. */
  public static String jti(String qualifiedId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(("vigil-set:" + qualifiedId).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available.", e);
    }
  }

  /** CAEP risk levels are LOW, MEDIUM and HIGH; Vigil's NONE is LOW and CRITICAL is HIGH. */
  public static String caepLevel(RiskLevel level) {
    return switch (level) {
      case MEDIUM -> "MEDIUM";
      case HIGH, CRITICAL -> "HIGH";
      default -> "LOW";
    };
  }

  private static String principal(SubjectType type) {
    // Workloads and service accounts are CAEP's "robotic users".
    return type == SubjectType.DEVICE ? "DEVICE" : "USER";
  }

  /** Longest {@code reason_admin} text, in characters. */
  public static final int MAX_REASON_CHARS = 100;

  /**
   * A short administrator reason: the first sentence of {@code text}, at most {@link
   * #MAX_REASON_CHARS} characters, or {@code fallback} when the text is blank. Never empty.
   */
  public static String shortReason(String text, String fallback) {
    String t = text == null ? "" : text.strip();
    if (t.isEmpty()) {
      return fallback;
    }
    int end = t.indexOf(". ");
    if (end > 0) {
      t = t.substring(0, end + 1);
    }
    if (t.length() > MAX_REASON_CHARS) {
      t = t.substring(0, MAX_REASON_CHARS - 1).strip() + "\u2026";
    }
    return t;
  }

  private static String riskReason(String code, String fallback) {
    return code == null || code.isBlank() ? fallback : code;
  }

  private static Map<String, Object> common(
      Instant at, String initiator, String reason, String fallback) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("event_timestamp", at.getEpochSecond());
    event.put("initiating_entity", initiator);
    event.put("reason_admin", Map.of("en", shortReason(reason, fallback)));
    return event;
  }

  private JWTClaimsSet.Builder claims(
      String qualifiedId,
      String txn,
      Instant at,
      Map<String, Object> subId,
      CaepEventType type,
      Map<String, Object> event) {
    Map<String, Object> events = new LinkedHashMap<>();
    events.put(type.uri(), event);
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .issueTime(Date.from(at.truncatedTo(ChronoUnit.SECONDS)))
            .jwtID(jti(qualifiedId))
            .claim("txn", txn)
            .claim("sub_id", subId)
            .claim("events", events);
    if (audience.size() == 1) {
      b.audience(audience.get(0));
    } else if (!audience.isEmpty()) {
      b.audience(audience);
    }
    return b;
  }
}
