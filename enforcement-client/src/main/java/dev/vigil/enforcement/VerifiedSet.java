package dev.vigil.enforcement;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SET whose signature and structure were verified.
 *
 * @param keyId the {@code kid} of the key that verified it, or null
 * @param issuer {@code iss}
 * @param audience {@code aud}, possibly empty
 * @param jti {@code jti}
 * @param issuedAt {@code iat}
 * @param txn {@code txn}, or null
 * @param subId {@code sub_id} (RFC 9493)
 * @param eventType the one event's type URI
 * @param event the one event's payload
 * @param claims every claim
 */
public record VerifiedSet(
    String keyId,
    String issuer,
    List<String> audience,
    String jti,
    Instant issuedAt,
    String txn,
    Map<String, Object> subId,
    String eventType,
    Map<String, Object> event,
    JWTClaimsSet claims) {

  /** The CAEP event type, if Vigil knows it. */
  public Optional<CaepEventType> caepType() {
    return CaepEventType.fromUri(eventType);
  }

  /** The principal the event is about (the user of a complex subject). */
  public Optional<String> subject() {
    return SubjectIds.principal(subId);
  }

  /** The English administrator reason ({@code reason_admin.en}), if any. */
  public Optional<String> reasonAdmin() {
    if (event.get("reason_admin") instanceof Map<?, ?> reasons) {
      Object en = reasons.get("en");
      if (en == null && !reasons.isEmpty()) {
        en = reasons.values().iterator().next();
      }
      return Optional.ofNullable(en).map(Object::toString);
    }
    return Optional.empty();
  }

  /** Vigil's private {@code vigil} claim (the decision behind the SET), if present. */
  public Optional<Map<String, Object>> vigil() {
    try {
      return Optional.ofNullable(claims.getJSONObjectClaim(SecurityEventTokens.VIGIL_CLAIM));
    } catch (java.text.ParseException e) {
      return Optional.empty();
    }
  }
}
