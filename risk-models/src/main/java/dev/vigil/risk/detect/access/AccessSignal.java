package dev.vigil.risk.detect.access;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.SubjectType;
import java.time.Instant;

/**
 * One signal of the access family, keyed by subject: an access decision, a just-in-time grant, or a
 * sign-in (so that session and device knowledge is available to the access detectors). Exactly one
 * component is non-null.
 *
 * @param access an access decision at an enforcement point, or null
 * @param grant a just-in-time grant (new, revoked or expired), or null
 * @param login a sign-in attempt, or null
 */
public record AccessSignal(AccessEvent access, AccessGrant grant, LoginEvent login) {

  /**
   * Validates that exactly one component is present.
   *
   * @throws IllegalArgumentException if none or more than one is
   */
  public AccessSignal {
    int present = (access != null ? 1 : 0) + (grant != null ? 1 : 0) + (login != null ? 1 : 0);
    if (present != 1) {
      throw new IllegalArgumentException(
          "An access signal carries exactly one of access, grant or login, not " + present + ".");
    }
  }

  /** A signal for an access decision. */
  public static AccessSignal ofAccess(AccessEvent access) {
    return new AccessSignal(access, null, null);
  }

  /** A signal for a just-in-time grant. */
  public static AccessSignal ofGrant(AccessGrant grant) {
    return new AccessSignal(null, grant, null);
  }

  /** A signal for a sign-in attempt. */
  public static AccessSignal ofLogin(LoginEvent login) {
    return new AccessSignal(null, null, login);
  }

  /** The underlying event's id, for de-duplication. */
  public String eventId() {
    if (access != null) {
      return access.getEventId();
    }
    return grant != null ? grant.getEventId() : login.getEventId();
  }

  /** The subject the signal is about: the store key. */
  public String subjectId() {
    if (access != null) {
      return access.getSubjectId();
    }
    return grant != null ? grant.getSubjectId() : login.getSubjectId();
  }

  /** The subject's type. */
  public SubjectType subjectType() {
    if (access != null) {
      return access.getSubjectType();
    }
    return grant != null ? grant.getSubjectType() : login.getSubjectType();
  }

  /** Event time: the access or sign-in time, or for a grant the time it was granted. */
  public Instant timestamp() {
    if (access != null) {
      return access.getTimestamp();
    }
    return grant != null ? grant.getGrantedAt() : login.getTimestamp();
  }
}
