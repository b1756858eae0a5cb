package dev.vigil.app.topology;

import dev.vigil.risk.decision.GrantExpiry;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.SubjectType;
import java.time.Instant;

/** A live JIT grant waiting for its expiry, as kept in the grants store. */
public final class PendingGrant {
  /** Grant id. */
  public String grantId;

  /** Holder. */
  public String subjectId;

  /** Holder's kind. */
  public SubjectType subjectType;

  /** What the grant opens. */
  public String resource;

  /** Which privilege. */
  public String privilege;

  /** Expiry (epoch millis). */
  public long expiresAtMillis;

  /** The grant event. */
  public String eventId;

  static PendingGrant of(AccessGrant grant) {
    PendingGrant p = new PendingGrant();
    p.grantId = grant.getGrantId();
    p.subjectId = grant.getSubjectId();
    p.subjectType = grant.getSubjectType();
    p.resource = grant.getResource();
    p.privilege = grant.getPrivilege();
    p.expiresAtMillis = grant.getExpiresAt().toEpochMilli();
    p.eventId = grant.getEventId();
    return p;
  }

  GrantExpiry expiry(Criticality criticality) {
    return new GrantExpiry(
        grantId,
        subjectId,
        subjectType,
        criticality,
        resource,
        privilege,
        Instant.ofEpochMilli(expiresAtMillis),
        eventId);
  }
}
