package dev.vigil.risk.validate;

import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import java.time.Instant;
import java.util.Optional;

/**
 * Checks the values of decoded signals that the schema cannot: ranges, required text, plausible
 * timestamps. A signal that fails goes to the dead-letter topic instead of into the baselines.
 */
public final class SignalValidator {

  /** Earliest event time accepted. */
  public static final Instant MIN_TIME = Instant.parse("2000-01-01T00:00:00Z");

  /** Latest event time accepted. */
  public static final Instant MAX_TIME = Instant.parse("2100-01-01T00:00:00Z");

  private static final int MAX_ID_LENGTH = 512;

  private SignalValidator() {}

  /** The first problem with a login event, if any. */
  public static Optional<String> check(LoginEvent e) {
    return first(
        id("eventId", e.getEventId()),
        time("timestamp", e.getTimestamp()),
        id("subjectId", e.getSubjectId()),
        e.getIp() == null ? Optional.empty() : id("ip", e.getIp()),
        geo(e.getGeo()));
  }

  /** The first problem with an access event, if any. */
  public static Optional<String> check(AccessEvent e) {
    return first(
        id("eventId", e.getEventId()),
        time("timestamp", e.getTimestamp()),
        id("subjectId", e.getSubjectId()),
        id("resource", e.getResource()),
        nonNegative("bytes", e.getBytes()),
        nonNegative("recordCount", e.getRecordCount()));
  }

  /** The first problem with a posture report, if any. */
  public static Optional<String> check(DevicePosture e) {
    return first(
        id("eventId", e.getEventId()),
        time("timestamp", e.getTimestamp()),
        id("deviceId", e.getDeviceId()),
        e.getOsPatchAgeDays() != null
                && (e.getOsPatchAgeDays() < 0 || e.getOsPatchAgeDays() > 36500)
            ? Optional.of("osPatchAgeDays " + e.getOsPatchAgeDays() + " is out of range 0..36500")
            : Optional.empty());
  }

  /** The first problem with a network flow, if any. */
  public static Optional<String> check(NetworkFlow e) {
    return first(
        id("eventId", e.getEventId()),
        time("timestamp", e.getTimestamp()),
        id("sourceWorkload", e.getSourceWorkload()),
        id("destinationIp", e.getDestinationIp()),
        e.getDestinationPort() < 0 || e.getDestinationPort() > 65535
            ? Optional.of("destinationPort " + e.getDestinationPort() + " is out of range 0..65535")
            : Optional.empty(),
        nonNegative("bytesOut", e.getBytesOut()),
        nonNegative("bytesIn", e.getBytesIn()));
  }

  /** The first problem with an external signal, if any. */
  public static Optional<String> check(ExternalSignal e) {
    return first(
        id("eventId", e.getEventId()),
        time("timestamp", e.getTimestamp()),
        id("subjectId", e.getSubjectId()),
        id("source", e.getSource()),
        e.getScore() != null && (e.getScore() < 0 || e.getScore() > 100)
            ? Optional.of("score " + e.getScore() + " is out of range 0..100")
            : Optional.empty(),
        e.getConfidence() != null && (e.getConfidence() < 0 || e.getConfidence() > 1)
            ? Optional.of("confidence " + e.getConfidence() + " is out of range 0..1")
            : Optional.empty());
  }

  /** The first problem with an access grant, if any. */
  public static Optional<String> check(AccessGrant e) {
    return first(
        id("grantId", e.getGrantId()),
        id("subjectId", e.getSubjectId()),
        time("grantedAt", e.getGrantedAt()),
        time("expiresAt", e.getExpiresAt()),
        e.getExpiresAt() != null
                && e.getGrantedAt() != null
                && e.getExpiresAt().isBefore(e.getGrantedAt())
            ? Optional.of("expiresAt is before grantedAt")
            : Optional.empty());
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... checks) {
    for (Optional<String> c : checks) {
      if (c.isPresent()) {
        return c;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> id(String field, String value) {
    if (value == null || value.isBlank()) {
      return Optional.of(field + " is empty");
    }
    if (value.length() > MAX_ID_LENGTH) {
      return Optional.of(field + " is longer than " + MAX_ID_LENGTH + " characters");
    }
    return Optional.empty();
  }

  private static Optional<String> time(String field, Instant t) {
    if (t == null || t.isBefore(MIN_TIME) || !t.isBefore(MAX_TIME)) {
      return Optional.of(field + " " + t + " is outside 2000-01-01..2100-01-01");
    }
    return Optional.empty();
  }

  private static Optional<String> nonNegative(String field, Long v) {
    return v != null && v < 0 ? Optional.of(field + " " + v + " is negative") : Optional.empty();
  }

  private static Optional<String> geo(Geo g) {
    if (g == null) {
      return Optional.empty();
    }
    if (g.getLatitude() != null && (g.getLatitude() < -90 || g.getLatitude() > 90)) {
      return Optional.of("geo.latitude " + g.getLatitude() + " is out of range -90..90");
    }
    if (g.getLongitude() != null && (g.getLongitude() < -180 || g.getLongitude() > 180)) {
      return Optional.of("geo.longitude " + g.getLongitude() + " is out of range -180..180");
    }
    return Optional.empty();
  }
}
