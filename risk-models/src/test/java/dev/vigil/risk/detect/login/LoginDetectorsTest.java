package dev.vigil.risk.detect.login;

import static dev.vigil.risk.detect.login.LoginFixture.MONDAY;
import static dev.vigil.risk.detect.login.LoginFixture.SAO_PAULO;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.BaselineCodec;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.ThreatCategory;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class LoginDetectorsTest {

  private static final int KIB = 1024;

  private final LoginFixture fx = new LoginFixture();

  private static DetectorCatalog catalog() {
    DetectorCatalog catalog = DetectorCatalog.empty();
    LoginDetectors.registerDefaults(catalog, DetectorSettings.defaults());
    return catalog;
  }

  private static DetectionContext contextWithThreatIntel() {
    ReferenceData reference = new ReferenceData();
    ThreatIndicator tor =
        ThreatIndicator.newBuilder()
            .setIndicatorId("tor-block")
            .setType(IndicatorType.CIDR)
            .setValue("185.220.0.0/16")
            .setCategory(ThreatCategory.TOR_EXIT)
            .build();
    reference.putIndicator(ReferenceData.indicatorKey(tor), tor);
    return new DetectionContext(reference, DetectorSettings.defaults());
  }

  private static LoginFixture.Runner subjectRunner(DetectionContext context) {
    return new LoginFixture.Runner(
        catalog().detectors(LoginEvent.class, KeyScope.SUBJECT), context);
  }

  @Test
  void shouldRegisterEveryLoginDetectorUnderItsScope() {
    // When the defaults are registered on an empty catalog
    DetectorCatalog catalog = catalog();

    // Then all sixteen are there, password spray and unknown accounts keyed by source, the slow
    // spray by the source's network
    assertThat(catalog.ids())
        .containsExactlyInAnyOrder(
            UnfamiliarPropertiesDetector.ID,
            ImpossibleTravelDetector.ID,
            NewDeviceDetector.ID,
            NewCountryAsnDetector.ID,
            UnusualHourDetector.ID,
            BruteForceDetector.ID,
            MfaFatigueDetector.ID,
            ThreatIntelIpDetector.ID,
            KerberoastingDetector.ID,
            AsRepRoastingDetector.ID,
            NewHostLogonDetector.ID,
            ExplicitCredentialsDetector.ID,
            PrivilegedLogonDetector.ID,
            PasswordSprayDetector.ID,
            UnknownAccountsDetector.ID,
            AsnSprayDetector.ID);
    assertThat(catalog.detectors(LoginEvent.class, KeyScope.SOURCE_ASN))
        .extracting(d -> d.id())
        .containsExactly(AsnSprayDetector.ID);
    assertThat(catalog.detectors(LoginEvent.class, KeyScope.SOURCE_IP))
        .extracting(d -> d.id())
        .containsExactly(PasswordSprayDetector.ID, UnknownAccountsDetector.ID);
    assertThat(catalog.detectors(LoginEvent.class, KeyScope.SUBJECT)).hasSize(13);
    assertThat(catalog.findingIds()).contains(AsRepRoastingDetector.DOWNGRADE_ID);
  }

  @Test
  void shouldRaiseOnlyModerateNewDeviceFindingForNewPhoneAfterAWeek() {
    // Given a week of office sign-ins through every subject detector
    LoginFixture.Runner runner = subjectRunner(DetectionContext.defaults());
    assertThat(runner.runAll(fx.officeHistory("alice", MONDAY, 7))).isEmpty();

    // When alice signs in from her new phone at home
    List<RiskFinding> findings =
        runner.run(
            fx.login("alice", MONDAY.plus(Duration.ofDays(7)).plusSeconds(10 * 3600))
                .device("iphone-15")
                .agent("Safari", "iOS", "mobile")
                .build());

    // Then only a moderate new-device finding is raised
    assertThat(findings)
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.getDetectorId()).isEqualTo(NewDeviceDetector.ID);
              assertThat(f.getScore()).isLessThan(40.0);
            });
  }

  @Test
  @Tag("soak")
  void shouldKeepSubjectBundleUnderEightKibAfterHundredThousandEvents() {
    // Given every subject detector and one subject with 100,000 events of ever-new properties
    LoginFixture.Runner runner = subjectRunner(contextWithThreatIntel());
    Instant t = MONDAY;
    LoginOutcome[] outcomes = {
      LoginOutcome.SUCCESS, LoginOutcome.SUCCESS, LoginOutcome.SUCCESS, LoginOutcome.FAILURE,
      LoginOutcome.SUCCESS, LoginOutcome.MFA_DENIED, LoginOutcome.SUCCESS, LoginOutcome.FAILURE,
      LoginOutcome.MFA_TIMEOUT, LoginOutcome.SUCCESS
    };
    int findings = 0;
    for (int i = 0; i < 100_000; i++) {
      t = t.plusSeconds(60 + (i * 7919L) % 3000);
      String country = "" + (char) ('A' + i % 26) + (char) ('A' + (i / 26) % 26);
      LoginFixture.Place place =
          new LoginFixture.Place(
              country,
              "City" + i,
              (i * 37) % 170 - 85,
              (i * 53) % 350 - 175,
              64_512 + i,
              "Org " + i);
      String ip =
          i % 50 == 0
              ? "185.220." + i % 250 + ".1"
              : "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
      findings +=
          runner
              .run(
                  fx.login("alice.long-name@subsidiary.example.com", t)
                      .ip(ip)
                      .from(place)
                      .device("device-" + i)
                      .agent("Browser" + i % 97, "OS" + i % 89, "type" + i % 7)
                      .method(i % 3 == 0 ? AuthMethod.MFA_PUSH : AuthMethod.PASSWORD)
                      .outcome(outcomes[i % outcomes.length])
                      .build())
              .size();
    }

    // Then the serialised bundle stays within 8 KiB, and the detectors kept working
    BaselineBundle bundle = runner.bundles.get("alice.long-name@subsidiary.example.com");
    assertThat(BaselineCodec.encode(bundle).length).isLessThan(8 * KIB);
    // (a baseline only for the detectors that read sign-ins like these: none for the Kerberos,
    // explicit-credential and host-logon detectors, which never read one)
    assertThat(bundle.baselines)
        .containsOnlyKeys(
            "login.unfamiliar-properties",
            "login.impossible-travel",
            "login.new-device",
            "login.new-country-asn",
            "login.unusual-hour",
            "login.brute-force",
            "login.mfa-fatigue",
            "login.threat-intel-ip");
    assertThat(findings).isPositive();
  }

  @Test
  @Tag("soak")
  void shouldKeepSprayingAddressBundleUnderEightKib() {
    // Given one address failing against 100,000 distinct subjects
    LoginFixture.Runner runner =
        new LoginFixture.Runner(
            catalog().detectors(LoginEvent.class, KeyScope.SOURCE_IP),
            DetectionContext.defaults(),
            LoginEvent::getIp);
    int findings = 0;
    for (int i = 0; i < 100_000; i++) {
      findings +=
          runner
              .run(
                  fx.login(
                          "first.last." + i + "@subsidiary.example.com", MONDAY.plusSeconds(i * 5L))
                      .ip("198.51.100.13")
                      .failed()
                      .build())
              .size();
    }

    // Then the address's bundle stays within 8 KiB
    assertThat(BaselineCodec.encode(runner.bundles.get("198.51.100.13")).length)
        .isLessThan(8 * KIB);
    assertThat(findings).isGreaterThan(1000);
  }

  @Test
  void shouldProduceIdenticalFindingsWhenReplayed() {
    // Given a sequence mixing history, travel, guessing, push bombing and Tor
    List<LoginEvent> events = new ArrayList<>();
    for (String s : List.of("alice", "bob", "carol")) {
      events.addAll(fx.officeHistory(s, MONDAY, 10));
    }
    Instant t = MONDAY.plus(Duration.ofDays(10)).plusSeconds(9 * 3600);
    for (int i = 0; i < 8; i++) {
      events.add(fx.login("bob", t.plusSeconds(i * 20L)).ip("185.220.1.1").failed().build());
    }
    events.add(
        fx.login("bob", t.plusSeconds(200)).ip("185.220.1.1").from(SAO_PAULO).device("x").build());
    for (int i = 0; i < 6; i++) {
      events.add(
          fx.login("carol", t.plusSeconds(i * 30L))
              .method(AuthMethod.MFA_PUSH)
              .outcome(LoginOutcome.MFA_DENIED)
              .build());
    }
    events.add(fx.login("carol", t.plusSeconds(300)).method(AuthMethod.MFA_PUSH).build());
    events.add(fx.login("alice", t.plusSeconds(600)).build());
    events.add(
        fx.login("alice", t.plusSeconds(1800))
            .from(LoginFixture.NEW_YORK)
            .ip("198.51.100.1")
            .build());
    events.sort((a, b) -> a.getTimestamp().compareTo(b.getTimestamp()));

    // When it runs twice through fresh engines
    List<RiskFinding> first = subjectRunner(contextWithThreatIntel()).runAll(events);
    List<RiskFinding> second = subjectRunner(contextWithThreatIntel()).runAll(events);

    // Then the findings, ids included, are identical
    assertThat(first).isNotEmpty().isEqualTo(second);
    assertThat(first)
        .extracting(RiskFinding::getDetectorId)
        .contains(
            BruteForceDetector.ID,
            MfaFatigueDetector.ID,
            ThreatIntelIpDetector.ID,
            ImpossibleTravelDetector.ID,
            NewCountryAsnDetector.ID);
  }
}
