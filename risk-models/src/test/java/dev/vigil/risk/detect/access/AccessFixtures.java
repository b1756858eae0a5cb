package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.Geo;
import dev.vigil.schema.GrantStatus;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders for realistic access-family sequences, and a one-subject engine to feed them to. */
final class AccessFixtures {

  static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
  static final String ALICE = "alice@corp.example";

  private static int counter;

  private AccessFixtures() {}

  static String nextId(String prefix) {
    return prefix + "-" + (++counter);
  }

  static AccessEvent.Builder access(Instant at, String resource) {
    return AccessEvent.newBuilder()
        .setEventId(nextId("acc"))
        .setTimestamp(at)
        .setSubjectId(ALICE)
        .setSubjectType(SubjectType.HUMAN)
        .setResource(resource)
        .setAction("read")
        .setSensitivity(Sensitivity.INTERNAL)
        .setDecision(AccessDecision.ALLOWED)
        .setAttributes(Map.of());
  }

  static LoginEvent.Builder login(Instant at, String deviceId, String sessionId) {
    return LoginEvent.newBuilder()
        .setEventId(nextId("login"))
        .setTimestamp(at)
        .setSubjectId(ALICE)
        .setSubjectType(SubjectType.HUMAN)
        .setDeviceId(deviceId)
        .setSessionId(sessionId)
        .setIp("198.51.100.10")
        .setGeo(Geo.newBuilder().setCountry("DE").setAsn(3320L).build())
        .setAuthMethod(dev.vigil.schema.AuthMethod.WEBAUTHN)
        .setOutcome(LoginOutcome.SUCCESS)
        .setAttributes(Map.of());
  }

  static AccessGrant.Builder grant(String grantId, String resource, Instant from, Duration valid) {
    return AccessGrant.newBuilder()
        .setGrantId(grantId)
        .setEventId(nextId("grant"))
        .setSubjectId(ALICE)
        .setResource(resource)
        .setGrantedAt(from)
        .setExpiresAt(from.plus(valid))
        .setStatus(GrantStatus.ACTIVE);
  }

  /** Runs signals for one subject through the given detectors, collecting every finding. */
  static final class Subject {
    final DetectionEngine<AccessSignal> engine;
    final BaselineBundle bundle = new BaselineBundle();
    final DetectionContext context;
    final List<RiskFinding> findings = new ArrayList<>();

    Subject(List<? extends Detector<AccessSignal, ?>> detectors) {
      this(detectors, DetectionContext.defaults());
    }

    Subject(List<? extends Detector<AccessSignal, ?>> detectors, DetectionContext context) {
      this.engine = new DetectionEngine<>(detectors, AccessSignal::eventId);
      this.context = context;
    }

    static Subject allDefaults() {
      DetectorCatalog catalog = DetectorCatalog.empty();
      AccessDetectors.registerDefaults(catalog, DetectorSettings.defaults());
      return new Subject(catalog.detectors(AccessSignal.class, KeyScope.SUBJECT));
    }

    List<RiskFinding> feed(AccessSignal signal) {
      List<RiskFinding> out = engine.observe(signal, bundle, context);
      findings.addAll(out);
      return out;
    }

    List<RiskFinding> feed(AccessEvent.Builder event) {
      return feed(AccessSignal.ofAccess(event.build()));
    }

    List<RiskFinding> feed(LoginEvent.Builder event) {
      return feed(AccessSignal.ofLogin(event.build()));
    }

    List<RiskFinding> feed(AccessGrant.Builder event) {
      return feed(AccessSignal.ofGrant(event.build()));
    }

    List<RiskFinding> findings(String detectorId) {
      return findings.stream().filter(f -> f.getDetectorId().equals(detectorId)).toList();
    }
  }
}
