package dev.vigil.app.ssf;

import dev.vigil.enforcement.VerifiedSet;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.Severity;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a SET from an identity provider means to Vigil: an {@link ExternalSignal} with a signal type
 * ({@code caep.<event>} or {@code risc.<event>}), a severity and a summary.
 *
 * <p>Severity mapping (documented in docs/ssf.md):
 *
 * <ul>
 *   <li>RISC {@code credential-compromise}, and {@code account-disabled} with reason {@code
 *       hijacking}: CRITICAL;
 *   <li>RISC {@code account-disabled} (other reasons), {@code account-credential-change-required},
 *       {@code account-purged}; CAEP {@code device-compliance-change} to {@code not-compliant};
 *       CAEP {@code risk-level-change} to {@code HIGH}: HIGH;
 *   <li>CAEP {@code session-revoked} and RISC {@code sessions-revoked}; CAEP {@code
 *       credential-change} made by an admin, policy or system; CAEP {@code assurance-level-change}
 *       that decreases; CAEP {@code risk-level-change} to {@code MEDIUM}: MEDIUM;
 *   <li>CAEP {@code credential-change} by the user; {@code token-claims-change}; RISC {@code
 *       identifier-changed}, {@code identifier-recycled}: LOW;
 *   <li>everything else (compliant again, risk LOW, increases, {@code account-enabled}, opt-in/out,
 *       unknown types): INFO.
 * </ul>
 */
public final class SignalMeaning {

  private static final String CAEP = "https://schemas.openid.net/secevent/caep/event-type/";
  private static final String RISC = "https://schemas.openid.net/secevent/risc/event-type/";

  private SignalMeaning() {}

  /**
   * The external signal for a verified SET; empty for SETs without a principal or for SSF's own
   * stream events (verification, stream-updated).
   */
  public static Optional<ExternalSignal> of(VerifiedSet set) {
    String type = set.eventType();
    if (type.startsWith("https://schemas.openid.net/secevent/ssf/event-type/")) {
      return Optional.empty();
    }
    Optional<String> subject = set.subject();
    if (subject.isEmpty()) {
      return Optional.empty();
    }
    String family;
    String name;
    if (type.startsWith(CAEP)) {
      family = "caep";
      name = type.substring(CAEP.length());
    } else if (type.startsWith(RISC)) {
      family = "risc";
      name = type.substring(RISC.length());
    } else {
      family = "ssf";
      name = "unknown";
    }
    Map<String, Object> e = set.event();
    Severity severity = severity(family, name, e);
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("ssf.iss", set.issuer());
    attributes.put("ssf.jti", set.jti());
    attributes.put("ssf.eventType", type);
    for (String field :
        new String[] {
          "change_type",
          "credential_type",
          "current_status",
          "current_level",
          "previous_level",
          "change_direction",
          "initiating_entity",
          "reason",
          "risk_reason"
        }) {
      if (e.get(field) != null) {
        attributes.put(field, String.valueOf(e.get(field)));
      }
    }
    dev.vigil.enforcement.SubjectIds.member(set.subId(), "device")
        .ifPresent(d -> attributes.put("deviceId", d));
    dev.vigil.enforcement.SubjectIds.member(set.subId(), "session")
        .ifPresent(s -> attributes.put("sessionId", s));
    Instant at =
        e.get("event_timestamp") instanceof Number n
            ? Instant.ofEpochSecond(n.longValue())
            : set.issuedAt();
    String reason = set.reasonAdmin().orElse(null);
    String summary =
        set.issuer() + " sent " + family + " " + name + (reason == null ? "." : ": " + reason);
    return Optional.of(
        ExternalSignal.newBuilder()
            .setEventId("ssf:" + set.issuer() + ":" + set.jti())
            .setTimestamp(at)
            .setSource("ssf:" + set.issuer())
            .setSignalType(family + "." + name)
            .setSubjectId(subject.get())
            .setSubjectType(deviceOnly(set) ? SubjectType.DEVICE : SubjectType.HUMAN)
            .setSeverity(severity)
            .setSummary(summary.length() > 300 ? summary.substring(0, 300) : summary)
            .setAttributes(attributes)
            .build());
  }

  /** The severity of one event, as documented on the class. */
  public static Severity severity(String family, String name, Map<String, Object> e) {
    String initiator = String.valueOf(e.get("initiating_entity"));
    if ("risc".equals(family)) {
      return switch (name) {
        case "credential-compromise" -> Severity.CRITICAL;
        case "account-disabled" ->
            "hijacking".equals(e.get("reason")) ? Severity.CRITICAL : Severity.HIGH;
        case "account-credential-change-required", "account-purged" -> Severity.HIGH;
        case "sessions-revoked" -> Severity.MEDIUM;
        case "identifier-changed", "identifier-recycled" -> Severity.LOW;
        default -> Severity.INFO;
      };
    }
    if ("caep".equals(family)) {
      return switch (name) {
        case "session-revoked" -> Severity.MEDIUM;
        case "credential-change" ->
            "admin".equals(initiator) || "policy".equals(initiator) || "system".equals(initiator)
                ? Severity.MEDIUM
                : Severity.LOW;
        case "device-compliance-change" ->
            "not-compliant".equals(e.get("current_status")) ? Severity.HIGH : Severity.INFO;
        case "assurance-level-change" ->
            "decrease".equals(e.get("change_direction")) ? Severity.MEDIUM : Severity.INFO;
        case "risk-level-change" ->
            switch (String.valueOf(e.get("current_level")).toUpperCase(java.util.Locale.ROOT)) {
              case "HIGH" -> Severity.HIGH;
              case "MEDIUM" -> Severity.MEDIUM;
              default -> Severity.INFO;
            };
        case "token-claims-change" -> Severity.LOW;
        default -> Severity.INFO;
      };
    }
    return Severity.INFO;
  }

  private static boolean deviceOnly(VerifiedSet set) {
    Map<String, Object> s = set.subId();
    return "complex".equals(s.get("format")) && s.get("device") != null && s.get("user") == null;
  }
}
