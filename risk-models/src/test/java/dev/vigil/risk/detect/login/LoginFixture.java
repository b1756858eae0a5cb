package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.UserAgent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/** Builds realistic login sequences and runs them through detectors with per-key baselines. */
final class LoginFixture {

  /** Monday 2025-03-03 00:00 UTC. */
  static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");

  record Place(String country, String city, double lat, double lon, long asn, String org) {}

  static final Place BERLIN = new Place("DE", "Berlin", 52.52, 13.405, 3320, "Deutsche Telekom");
  static final Place POTSDAM = new Place("DE", "Potsdam", 52.39, 13.06, 3320, "Deutsche Telekom");
  static final Place BERLIN_MOBILE = new Place("DE", "Berlin", 52.52, 13.405, 3209, "Vodafone");
  static final Place NEW_YORK = new Place("US", "New York", 40.71, -74.0, 7922, "Comcast");
  static final Place SAO_PAULO = new Place("BR", "Sao Paulo", -23.55, -46.63, 28573, "Claro");

  private long sequence;

  /**
   * A login by a subject at a time; defaults: success, password, laptop, Chrome on Windows, Berlin.
   */
  Builder login(String subject, Instant at) {
    return new Builder(subject, at);
  }

  final class Builder {
    private final LoginEvent.Builder b = LoginEvent.newBuilder();
    private Place place = BERLIN;
    private String browser = "Chrome";
    private String os = "Windows";
    private String deviceType = "desktop";

    private Builder(String subject, Instant at) {
      b.setSubjectId(subject)
          .setTimestamp(at)
          .setIp("203.0.113.10")
          .setDeviceId("laptop-" + subject)
          .setAuthMethod(AuthMethod.PASSWORD)
          .setOutcome(LoginOutcome.SUCCESS)
          .setApplication("mail");
    }

    Builder ip(String ip) {
      b.setIp(ip);
      return this;
    }

    Builder from(Place p) {
      this.place = p;
      return this;
    }

    Builder noGeo() {
      this.place = null;
      return this;
    }

    Builder device(String deviceId) {
      b.setDeviceId(deviceId);
      return this;
    }

    Builder agent(String browser, String os, String deviceType) {
      this.browser = browser;
      this.os = os;
      this.deviceType = deviceType;
      return this;
    }

    Builder outcome(LoginOutcome outcome) {
      b.setOutcome(outcome);
      return this;
    }

    Builder failed() {
      return outcome(LoginOutcome.FAILURE);
    }

    Builder unknownUser() {
      b.setFailureKind(FailureKind.UNKNOWN_USER);
      return outcome(LoginOutcome.FAILURE);
    }

    Builder method(AuthMethod method) {
      b.setAuthMethod(method);
      return this;
    }

    LoginEvent build() {
      sequence++;
      b.setEventId(
          UUID.nameUUIDFromBytes(("evt-" + sequence).getBytes(StandardCharsets.UTF_8)).toString());
      if (place != null) {
        b.setGeo(
            Geo.newBuilder()
                .setCountry(place.country())
                .setCity(place.city())
                .setLatitude(place.lat())
                .setLongitude(place.lon())
                .setAccuracyRadiusKm(20)
                .setAsn(place.asn())
                .setAsOrg(place.org())
                .build());
      }
      b.setUserAgent(
          UserAgent.newBuilder()
              .setRaw(browser + "/" + os)
              .setBrowser(browser)
              .setOs(os)
              .setDeviceType(deviceType)
              .build());
      return b.build();
    }
  }

  /**
   * An office worker's history: on each of {@code days} days from {@code start}, sign-ins at 08:xx
   * and 13:xx UTC from the home office in Berlin on the usual laptop.
   */
  List<LoginEvent> officeHistory(String subject, Instant start, int days) {
    List<LoginEvent> events = new ArrayList<>();
    for (int d = 0; d < days; d++) {
      Instant day = start.plus(Duration.ofDays(d));
      events.add(login(subject, day.plus(Duration.ofMinutes(8 * 60 + 5 + d % 20))).build());
      events.add(login(subject, day.plus(Duration.ofMinutes(13 * 60 + 10 + d % 15))).build());
    }
    return events;
  }

  /** Runs detectors over events with one baseline bundle per key, like the topology. */
  static final class Runner {
    private final DetectionEngine<LoginEvent> engine;
    private final Function<LoginEvent, String> key;
    private final DetectionContext context;
    final Map<String, BaselineBundle> bundles = new HashMap<>();

    Runner(List<? extends Detector<LoginEvent, ?>> detectors, DetectionContext context) {
      this(detectors, context, LoginEvent::getSubjectId);
    }

    Runner(
        List<? extends Detector<LoginEvent, ?>> detectors,
        DetectionContext context,
        Function<LoginEvent, String> key) {
      this.engine = new DetectionEngine<>(detectors, LoginEvent::getEventId);
      this.key = key;
      this.context = context;
    }

    List<RiskFinding> run(LoginEvent event) {
      return engine.observe(
          event, bundles.computeIfAbsent(key.apply(event), k -> new BaselineBundle()), context);
    }

    List<RiskFinding> runAll(List<LoginEvent> events) {
      List<RiskFinding> out = new ArrayList<>();
      events.forEach(e -> out.addAll(run(e)));
      return out;
    }
  }
}
