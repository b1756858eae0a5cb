package dev.vigil.app.topology;

import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.SubjectType;
import dev.vigil.schema.UserAgent;
import java.time.Instant;

/** Test signals with realistic values. */
final class Signals {

  private Signals() {}

  static Geo berlin() {
    return Geo.newBuilder()
        .setCountry("DE")
        .setCity("Berlin")
        .setLatitude(52.52)
        .setLongitude(13.405)
        .setAsn(3320L)
        .setAsOrg("Deutsche Telekom")
        .build();
  }

  static Geo sydney() {
    return Geo.newBuilder()
        .setCountry("AU")
        .setCity("Sydney")
        .setLatitude(-33.8688)
        .setLongitude(151.2093)
        .setAsn(1221L)
        .setAsOrg("Telstra")
        .build();
  }

  static LoginEvent login(String id, String subject, Instant at, Geo geo, String session) {
    return LoginEvent.newBuilder()
        .setEventId(id)
        .setTimestamp(at)
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setSessionId(session)
        .setSessionExpiresAt(at.plusSeconds(8 * 3600))
        .setDeviceId("laptop-" + subject)
        .setIp("198.51.100." + (Math.abs(id.hashCode()) % 250 + 1))
        .setGeo(geo)
        .setUserAgent(
            UserAgent.newBuilder()
                .setBrowser("Firefox")
                .setOs("Windows")
                .setDeviceType("desktop")
                .build())
        .setAuthMethod(AuthMethod.WEBAUTHN)
        .setOutcome(LoginOutcome.SUCCESS)
        .build();
  }
}
