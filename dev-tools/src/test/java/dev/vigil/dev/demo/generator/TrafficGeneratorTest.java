package dev.vigil.dev.demo.generator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.schema.Geo;
import dev.vigil.schema.IndicatorType;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.NetworkKind;
import dev.vigil.schema.NetworkRange;
import dev.vigil.schema.SubjectType;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TrafficGeneratorTest {

  private static final long SEED = 42L;
  private static final Duration WEEK = Duration.ofDays(7);
  private static final Duration DEMO = Duration.ofSeconds(90);

  private static TrafficGenerator generator;
  private static List<GeneratedEvent> history;
  private static List<GeneratedEvent> live;

  @BeforeAll
  static void generateOnce() {
    generator = new TrafficGenerator(GeneratorSettings.defaults(SEED));
    history = generator.history(WEEK).toList();
    live = generator.events(DEMO).toList();
  }

  @Test
  void shouldProduceIdenticalEventsForTheSameSeedAndDifferentOnesForAnotherSeed() {
    // Given
    TrafficGenerator same = new TrafficGenerator(GeneratorSettings.defaults(SEED));
    TrafficGenerator other = new TrafficGenerator(GeneratorSettings.defaults(SEED + 1));

    // When
    List<GeneratedEvent> sameHistory = same.history(Duration.ofDays(1)).toList();
    List<GeneratedEvent> sameLive = same.events(DEMO).toList();
    List<GeneratedEvent> otherLive = other.events(DEMO).toList();

    // Then
    assertThat(sameHistory).isEqualTo(generator.history(Duration.ofDays(1)).toList());
    assertThat(sameLive).isEqualTo(live);
    assertThat(same.referenceData()).isEqualTo(generator.referenceData());
    assertThat(same.labels()).isEqualTo(generator.labels());
    assertThat(otherLive).isNotEqualTo(live);
    assertThat(other.population()).isNotEqualTo(generator.population());
  }

  @Test
  void shouldReturnTheSameLiveSequenceWhateverThePullInstants() {
    // Given
    TrafficGenerator paced = new TrafficGenerator(GeneratorSettings.defaults(SEED));
    Instant start = paced.settings().start();
    List<GeneratedEvent> pulled = new ArrayList<>();

    // When
    for (long millis = 0; millis <= DEMO.toMillis(); millis += 337) {
      pulled.addAll(paced.nextBatchUntil(start.plusMillis(millis)));
    }
    pulled.addAll(paced.nextBatchUntil(start.plus(DEMO)));

    // Then
    assertThat(pulled).isEqualTo(live);
    assertThat(paced.nextBatchUntil(start.plus(DEMO))).isEmpty();
  }

  @Test
  void shouldEmitEventsInNonDecreasingTimestampOrderWithinEachPhase() {
    // Given
    Instant start = generator.settings().start();

    // When / Then
    assertThat(live).isNotEmpty();
    assertThat(live)
        .extracting(GeneratedEvent::timestamp)
        .isSorted()
        .allMatch(t -> !t.isBefore(start) && !t.isAfter(start.plus(DEMO)));
    assertThat(history)
        .extracting(GeneratedEvent::timestamp)
        .isSorted()
        .allMatch(t -> t.isBefore(start) && !t.isBefore(start.minus(WEEK)));
  }

  @Test
  void shouldRunTheLiveRateThatWasConfigured() {
    // When
    long benign = live.stream().filter(e -> !e.isAttack()).count();

    // Then: 100 events per simulated second over 90 s, within 15 %
    assertThat(benign).isBetween(7_650L, 10_350L);
    assertThat(live)
        .extracting(GeneratedEvent::stream)
        .contains("login", "access", "network-flow", "device-posture");
  }

  @Test
  void shouldTagEveryLabelledSubjectInEventsOfItsScenarioAfterAttackStart() {
    // Given
    List<ScenarioLabel> labels = generator.labels();

    // When / Then
    assertThat(labels).hasSize(10).extracting(ScenarioLabel::scenario).doesNotHaveDuplicates();
    for (ScenarioLabel label : labels) {
      Set<String> seen =
          live.stream()
              .filter(e -> label.scenario().equals(e.scenario()))
              .filter(e -> !e.timestamp().isBefore(label.attackStart()))
              .flatMap(e -> e.subjects().stream())
              .collect(Collectors.toSet());
      assertThat(seen).as(label.scenario()).containsAll(label.subjects());
      assertThat(label.attackStart())
          .as(label.scenario())
          .isBetween(generator.settings().start(), generator.settings().start().plus(DEMO));
      assertThat(label.expectedDetector()).isNotBlank();
      assertThat(label.expectedAction()).isNotEqualTo(ScenarioLabel.NO_ACTION);
    }
    assertThat(live.stream().filter(GeneratedEvent::isAttack).map(GeneratedEvent::scenario))
        .allMatch(s -> labels.stream().anyMatch(l -> l.scenario().equals(s)));
  }

  @Test
  void shouldMakeTheTakeoverImpossibleTravelButKeepTheTravellerPlausible() {
    // Given
    ScenarioLabel takeover = label(generator.labels(), Scenarios.IMPOSSIBLE_TRAVEL);
    ScenarioLabel traveller = label(generator.benignLabels(), Scenarios.BENIGN_TRAVELLER);
    List<GeneratedEvent> all = Stream.concat(history.stream(), live.stream()).toList();

    // When
    double takeoverSpeed = speedIntoFirstLoginAt(all, takeover);
    double travellerSpeed = speedIntoFirstLoginAt(all, traveller);

    // Then
    assertThat(takeoverSpeed).isGreaterThan(1000.0);
    assertThat(travellerSpeed).isLessThan(900.0);
  }

  @Test
  void shouldSprayAtLeastThirtyDistinctUsersFromOneIpWithinTenMinutes() {
    // Given
    List<LoginEvent> spray =
        live.stream()
            .filter(e -> Scenarios.PASSWORD_SPRAY.equals(e.scenario()))
            .map(e -> (LoginEvent) e.value())
            .toList();

    // When
    Map<String, List<LoginEvent>> byIp =
        spray.stream().collect(Collectors.groupingBy(LoginEvent::getIp));
    List<LoginEvent> fromOneIp = byIp.values().iterator().next();
    Instant first = fromOneIp.get(0).getTimestamp();
    Set<String> subjects =
        fromOneIp.stream()
            .filter(e -> e.getTimestamp().isBefore(first.plus(Duration.ofMinutes(10))))
            .filter(e -> e.getOutcome() == LoginOutcome.FAILURE)
            .map(LoginEvent::getSubjectId)
            .collect(Collectors.toSet());

    // Then
    assertThat(byIp).hasSize(1);
    assertThat(subjects).hasSizeGreaterThanOrEqualTo(30);
  }

  @Test
  void shouldKeepBenignHumanLoginsMostlyWithinWorkingHours() {
    // Given
    Map<String, Persona> personas =
        generator.population().stream()
            .collect(Collectors.toMap(Persona::subjectId, Function.identity()));

    // When
    List<LoginEvent> logins =
        history.stream()
            .filter(e -> !e.isAttack() && e.value() instanceof LoginEvent)
            .map(e -> (LoginEvent) e.value())
            .filter(e -> e.getSubjectType() == SubjectType.HUMAN)
            .filter(e -> e.getOutcome() == LoginOutcome.SUCCESS)
            .toList();
    long inHours =
        logins.stream()
            .filter(
                e -> {
                  Persona p = personas.get(e.getSubjectId());
                  int hour = e.getTimestamp().atZone(p.zone()).getHour();
                  return hour >= p.workStartHour() && hour < p.workEndHour();
                })
            .count();

    // Then
    assertThat(logins).hasSizeGreaterThan(2_000);
    assertThat((double) inHours / logins.size()).isGreaterThan(0.85);
  }

  @Test
  void shouldMixWorkingStylesAndPublishTheirEgressRangesOnTheNetworksTopic() {
    // Given the population's working styles
    Map<String, Long> styles =
        generator.population().stream()
            .collect(Collectors.groupingBy(Persona::profile, Collectors.counting()));

    // When the reference data is read
    List<NetworkRange> ranges =
        generator.referenceData().stream()
            .filter(e -> e.stream().equals(GeneratedEvent.NETWORK))
            .map(e -> (NetworkRange) e.value())
            .toList();

    // Then every style is present, and the VPN, relay and in-flight ranges are published, keyed
    // by CIDR, with the attackers' consumer VPN named but of a kind that is never excused
    assertThat(styles.keySet()).contains("office", "vpn", "traveller", "relay", "sparse");
    assertThat(ranges)
        .extracting(NetworkRange::getKind)
        .contains(
            NetworkKind.CORPORATE_VPN,
            NetworkKind.RELAY,
            NetworkKind.INFLIGHT_WIFI,
            NetworkKind.CONSUMER_VPN);
    assertThat(generator.serviceAccounts()).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void shouldAlternateCorporateVpnUsersBetweenTheGatewayAndHome() {
    // Given the corporate-VPN users
    Set<String> vpnUsers =
        generator.population().stream()
            .filter(p -> p.profile().equals("vpn"))
            .map(Persona::subjectId)
            .collect(Collectors.toSet());

    // When their laptop sign-ins of the week are split by egress
    List<LoginEvent> logins =
        history.stream()
            .filter(e -> e.value() instanceof LoginEvent l && vpnUsers.contains(l.getSubjectId()))
            .map(e -> (LoginEvent) e.value())
            .filter(l -> l.getOutcome() == LoginOutcome.SUCCESS)
            .toList();
    long viaVpn = logins.stream().filter(l -> l.getIp().startsWith("145.40.")).count();

    // Then both kinds are common
    assertThat(logins).isNotEmpty();
    assertThat((double) viaVpn / logins.size()).isBetween(0.15, 0.7);
  }

  @Test
  void shouldFlyTravellersNoFasterThanAnAirliner() {
    // Given the travellers' sign-ins outside excused ranges (home, hotel, phone networks)
    Set<String> travellers =
        generator.population().stream()
            .filter(p -> p.profile().equals("traveller"))
            .map(Persona::subjectId)
            .collect(Collectors.toSet());
    Map<String, LoginEvent> last = new java.util.HashMap<>();
    double fastest = 0;
    int countries = 0;
    for (GeneratedEvent e : history) {
      if (e.isAttack()
          || !(e.value() instanceof LoginEvent l)
          || !travellers.contains(l.getSubjectId())
          || l.getOutcome() != LoginOutcome.SUCCESS
          || l.getIp().startsWith("145.40.")
          || l.getIp().startsWith("64.211.")
          || l.getIp().startsWith("172.224.")
          || l.getIp().startsWith("104.28.")) {
        continue;
      }
      LoginEvent previous = last.put(l.getSubjectId(), l);
      if (previous == null) {
        continue;
      }
      double km =
          Catalog.distanceKm(
              previous.getGeo().getLatitude(),
              previous.getGeo().getLongitude(),
              l.getGeo().getLatitude(),
              l.getGeo().getLongitude());
      if (!previous.getGeo().getCountry().equals(l.getGeo().getCountry())) {
        countries++;
      }
      double hours =
          Math.max(
              1.0 / 60,
              Duration.between(previous.getTimestamp(), l.getTimestamp()).toMinutes() / 60.0);
      if (km > 500) {
        fastest = Math.max(fastest, km / hours);
      }
    }

    // Then they do travel abroad, always at a plausible speed
    assertThat(countries).isPositive();
    assertThat(fastest).isBetween(1.0, 1000.0);
  }

  @Test
  void shouldBoundHistoryVolumeForSevenDaysOfThreeHundredUsers() {
    // When
    int size = history.size();

    // Then
    assertThat(generator.population()).hasSize(300);
    assertThat(size).isBetween(50_000, 200_000);
  }

  @Test
  void shouldPublishThreatIntelAndTheAllowedServiceEdges() {
    // When
    List<GeneratedEvent> reference = generator.referenceData();
    Set<IndicatorType> types =
        reference.stream()
            .filter(e -> e.value() instanceof ThreatIndicator)
            .map(e -> ((ThreatIndicator) e.value()).getType())
            .collect(Collectors.toSet());
    Set<String> indicatorValues =
        reference.stream()
            .filter(e -> e.value() instanceof ThreatIndicator)
            .map(e -> ((ThreatIndicator) e.value()).getValue())
            .collect(Collectors.toSet());
    Set<String> exfiltrationTargets =
        live.stream()
            .filter(e -> Scenarios.EXFILTRATION.equals(e.scenario()))
            .map(e -> ((NetworkFlow) e.value()).getDestinationIp())
            .collect(Collectors.toSet());

    // Then
    assertThat(types).contains(IndicatorType.IP, IndicatorType.CIDR, IndicatorType.ASN);
    assertThat(indicatorValues).containsAll(exfiltrationTargets);
    assertThat(reference).filteredOn(e -> e.stream().equals("service-edge")).hasSizeGreaterThan(40);
    assertThat(reference).extracting(GeneratedEvent::key).doesNotHaveDuplicates();
  }

  @Test
  void shouldKeepBenignFlowsOnAllowedEdgesWithMtlsAndBreakThemInLateralMovement() {
    // Given
    Set<String> allowed =
        generator.referenceData().stream()
            .filter(e -> e.stream().equals("service-edge"))
            .map(GeneratedEvent::key)
            .collect(Collectors.toSet());

    // When
    List<NetworkFlow> benign = flows(e -> !e.isAttack());
    List<NetworkFlow> lateral = flows(e -> Scenarios.LATERAL_MOVEMENT.equals(e.scenario()));

    // Then
    assertThat(benign)
        .isNotEmpty()
        .allMatch(f -> f.getMtls() && f.getPeerIdentity() != null)
        .allMatch(f -> allowed.contains(f.getSourceWorkload() + "|" + f.getDestinationWorkload()));
    assertThat(lateral)
        .hasSizeGreaterThanOrEqualTo(10)
        .noneMatch(NetworkFlow::getMtls)
        .noneMatch(f -> allowed.contains(f.getSourceWorkload() + "|" + f.getDestinationWorkload()));
  }

  private static List<NetworkFlow> flows(java.util.function.Predicate<GeneratedEvent> filter) {
    return live.stream()
        .filter(e -> e.value() instanceof NetworkFlow)
        .filter(filter)
        .map(e -> (NetworkFlow) e.value())
        .toList();
  }

  private static ScenarioLabel label(List<ScenarioLabel> labels, String scenario) {
    return labels.stream().filter(l -> l.scenario().equals(scenario)).findFirst().orElseThrow();
  }

  /** km/h between the subject's first login at the label's start and its previous login. */
  private static double speedIntoFirstLoginAt(List<GeneratedEvent> all, ScenarioLabel label) {
    String subject = label.subjects().iterator().next();
    List<LoginEvent> logins =
        all.stream()
            .filter(e -> e.value() instanceof LoginEvent)
            .map(e -> (LoginEvent) e.value())
            .filter(e -> e.getSubjectId().equals(subject) && e.getGeo() != null)
            .toList();
    LoginEvent arrival =
        logins.stream()
            .filter(e -> !e.getTimestamp().isBefore(label.attackStart()))
            .findFirst()
            .orElseThrow();
    LoginEvent before =
        logins.stream()
            .filter(e -> e.getTimestamp().isBefore(arrival.getTimestamp()))
            .reduce((a, b) -> b)
            .orElseThrow();
    Geo a = before.getGeo();
    Geo b = arrival.getGeo();
    double km =
        Catalog.distanceKm(a.getLatitude(), a.getLongitude(), b.getLatitude(), b.getLongitude());
    double hours =
        Duration.between(before.getTimestamp(), arrival.getTimestamp()).toMillis() / 3_600_000.0;
    assertThat(new HashSet<>(List.of(a.getCity(), b.getCity()))).hasSize(2);
    return km / hours;
  }
}
