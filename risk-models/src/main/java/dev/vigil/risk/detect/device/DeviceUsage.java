package dev.vigil.risk.detect.device;

import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.SubjectType;
import java.time.Instant;
import java.util.Objects;

/**
 * A subject seen using a device, derived from a successful sign-in or an allowed access that
 * carries a device id.
 *
 * @param subjectId who used the device
 * @param subjectType the subject's type
 * @param eventId id of the sign-in or access event
 * @param at event time
 */
public record DeviceUsage(String subjectId, SubjectType subjectType, String eventId, Instant at) {

  /** Validates the required components. */
  public DeviceUsage {
    Objects.requireNonNull(subjectId, "subjectId");
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(at, "at");
  }

  /** The usage a successful sign-in shows, or null when it names no device or did not succeed. */
  public static DeviceUsage of(LoginEvent login) {
    if (login.getDeviceId() == null || login.getOutcome() != LoginOutcome.SUCCESS) {
      return null;
    }
    return new DeviceUsage(
        login.getSubjectId(), login.getSubjectType(), login.getEventId(), login.getTimestamp());
  }

  /** The usage an allowed access shows, or null when it names no device or was denied. */
  public static DeviceUsage of(AccessEvent access) {
    if (access.getDeviceId() == null || access.getDecision() != AccessDecision.ALLOWED) {
      return null;
    }
    return new DeviceUsage(
        access.getSubjectId(), access.getSubjectType(), access.getEventId(), access.getTimestamp());
  }
}
