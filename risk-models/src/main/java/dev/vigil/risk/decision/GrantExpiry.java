package dev.vigil.risk.decision;

import dev.vigil.schema.Criticality;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.Objects;

/**
 * A just-in-time grant that has reached its expiry and must be taken back.
 *
 * @param grantId the grant
 * @param subjectId who holds it
 * @param subjectType the holder's kind
 * @param criticality the holder's criticality
 * @param resource what it grants access to
 * @param privilege which privilege
 * @param expiresAt when it expired
 * @param sourceEventId the grant event that announced it
 */
public record GrantExpiry(
    String grantId,
    String subjectId,
    SubjectType subjectType,
    Criticality criticality,
    String resource,
    String privilege,
    Instant expiresAt,
    String sourceEventId) {

  /** Checks the required fields. */
  public GrantExpiry {
    Objects.requireNonNull(grantId, "grantId");
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(expiresAt, "expiresAt");
    subjectType = subjectType == null ? SubjectType.UNKNOWN : subjectType;
    criticality = criticality == null ? Criticality.MEDIUM : criticality;
  }
}
