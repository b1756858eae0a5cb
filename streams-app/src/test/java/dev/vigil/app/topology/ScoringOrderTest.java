package dev.vigil.app.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vigil.app.VigilApplication;
import dev.vigil.app.metrics.VigilMetrics;
import dev.vigil.app.serde.SubjectRiskStateSerde;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.EnforcementCommand;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Decisions are a function of the input, not of the order in which the scoring stage happens to see
 * it: a sign-in reaches the session tracker straight from the login topic while the findings it
 * raised come back through the findings topic one commit later (and, after a crash or a broker
 * restart, possibly long after later sign-ins). Every interleaving of the same sign-ins and
 * findings must give the same command and alert ids.
 */
class ScoringOrderTest {

  private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
  private static final Instant WALL = T0.plus(Duration.ofHours(1));
  private static final Duration HOURS_24 = Duration.ofHours(24);

  /** One input: a sign-in for the session tracker or a finding for the scoring stage. */
  private record Input(String name, LoginEvent login, RiskFinding finding) {}

  /** What one interleaving produced. */
  private record Outcome(
      Set<String> commandIds,
      Set<String> alertIds,
      List<String> revoked,
      Set<String> revokeIds,
      List<RiskLevel> levels) {}

  @Test
  void shouldDecideTheSameWhicheverOrderSignInsAndTheirFindingsArriveIn() {
    // Given carol's sign-ins before and after her account was taken over, and the takeover finding
    List<Input> inputs =
        List.of(
            login("before", T0, "s-1"),
            login("just-before", T0.plus(Duration.ofMinutes(20)), "s-3"),
            new Input(
                "takeover",
                null,
                Findings.finding(
                        "login.impossible-travel",
                        "carol",
                        SubjectType.HUMAN,
                        T0.plus(Duration.ofMinutes(30)))
                    .score(80)
                    .confidence(1)
                    .halfLife(Duration.ofHours(1))
                    .summary("Impossible travel Berlin to Sydney.")
                    .sourceEvents("takeover-login")
                    .build()),
            login("after", T0.plus(Duration.ofMinutes(40)), "s-2"));

    // When every interleaving of them is scored
    List<Outcome> outcomes = new ArrayList<>();
    List<String> orders = new ArrayList<>();
    for (List<Input> order : permutations(inputs)) {
      outcomes.add(run(order));
      orders.add(order.stream().map(Input::name).toList().toString());
    }

    // Then every order decided the takeover's revocation (the same command) and revoked every
    // session exactly once: those its revocation could not name (their sign-ins processed after
    // it) and the one opened after it each on their own
    Set<String> common = new TreeSet<>(outcomes.get(0).commandIds());
    outcomes.forEach(o -> common.retainAll(o.commandIds()));
    assertThat(common).isNotEmpty();
    for (int i = 0; i < outcomes.size(); i++) {
      assertThat(outcomes.get(i).alertIds())
          .as(orders.get(i))
          .isEqualTo(outcomes.get(0).alertIds());
      assertThat(outcomes.get(i).revoked())
          .as(orders.get(i))
          .containsExactlyInAnyOrder("s-1", "s-2", "s-3");
    }
  }

  @Test
  void shouldReachALevelCrossedOnlyWhileALateFindingWasFreshInEveryOrder() {
    // Given dave at medium, a short-lived strong finding that takes him to high for a few
    // minutes, and a weaker one twenty minutes later (findings from different tasks, so they may
    // reach scoring in any order)
    List<Input> inputs =
        List.of(
            finding("phishing-click", "external.phishing", T0, 45, Duration.ofHours(24)),
            finding(
                "token-replay",
                "access.session-hijack",
                T0.plus(Duration.ofMinutes(10)),
                70,
                Duration.ofMinutes(10)),
            finding(
                "new-country",
                "login.new-country",
                T0.plus(Duration.ofMinutes(30)),
                40,
                Duration.ofHours(24)));

    // When every interleaving of them is scored
    List<Outcome> outcomes = new ArrayList<>();
    List<String> orders = new ArrayList<>();
    for (List<Input> order : permutations(inputs)) {
      outcomes.add(run(order));
      orders.add(order.stream().map(Input::name).toList().toString());
    }

    // Then every order reached high when the replayed token was fresh and decided the same
    // revocation, though by the time the last finding arrived its weight had decayed below high
    for (int i = 0; i < outcomes.size(); i++) {
      assertThat(outcomes.get(i).levels()).as(orders.get(i)).contains(RiskLevel.HIGH);
      assertThat(outcomes.get(i).revokeIds())
          .as(orders.get(i))
          .isEqualTo(outcomes.get(0).revokeIds())
          .hasSize(1);
    }
  }

  @Test
  void shouldScoreAFindingLaterThanTheHorizonAtTheSubjectsClockOnly() {
    // Given a strong, short-lived finding that reaches scoring more than an hour after a later one
    List<Input> order =
        List.of(
            finding(
                "new-country", "login.new-country", T0.plus(Duration.ofMinutes(10)), 40, HOURS_24),
            finding(
                "token-replay",
                "access.session-hijack",
                T0.minus(Duration.ofMinutes(SubjectScorer.LATE_HORIZON_MILLIS / 60_000 + 1)),
                90,
                Duration.ofMinutes(10)));

    // When
    Outcome outcome = run(order);

    // Then no level is published that far back: it counts, decayed, at the subject's clock
    assertThat(outcome.levels()).containsExactly(RiskLevel.MEDIUM);
    assertThat(outcome.revokeIds()).isEmpty();
  }

  private static Input finding(
      String name, String detector, Instant at, double score, Duration halfLife) {
    return new Input(
        name,
        null,
        Findings.finding(detector, "carol", SubjectType.HUMAN, at)
            .score(score)
            .confidence(1)
            .halfLife(halfLife)
            .summary(name)
            .sourceEvents(name)
            .build());
  }

  private static Input login(String name, Instant at, String session) {
    return new Input(name, Signals.login(name, "carol", at, Signals.sydney(), session), null);
  }

  private static Outcome run(List<Input> order) {
    VigilMetrics metrics = VigilMetrics.inMemory();
    PolicyHolder policy =
        new PolicyHolder(VigilApplication.DEFAULT_POLICY_ID, PolicyParser.defaultPolicy(), metrics);
    SubjectScorer scorer =
        new SubjectScorer(
            FusionSettings.defaults(),
            policy,
            new ReferenceData(),
            Duration.ofSeconds(10),
            metrics);
    MockProcessorContext<String, ScoringOutput> sessionsContext = new MockProcessorContext<>();
    MockProcessorContext<String, ScoringOutput> scoringContext = new MockProcessorContext<>();
    KeyValueStore<String, SubjectRiskState> store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.SUBJECT_RISK),
                Serdes.String(),
                new SubjectRiskStateSerde())
            .withLoggingDisabled()
            .build();
    store.init(scoringContext.getStateStoreContext(), store);
    KeyValueStore<Bytes, byte[]> due =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(StoreNames.SUBJECT_RISK_DUE),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withLoggingDisabled()
            .build();
    due.init(scoringContext.getStateStoreContext(), due);
    sessionsContext.addStateStore(store);
    scoringContext.addStateStore(store);
    sessionsContext.addStateStore(due);
    scoringContext.addStateStore(due);
    sessionsContext.setCurrentSystemTimeMs(WALL.toEpochMilli());
    scoringContext.setCurrentSystemTimeMs(WALL.toEpochMilli());
    SessionTracker sessions = new SessionTracker(scorer);
    sessions.init(sessionsContext);
    ScoringProcessor scoring = new ScoringProcessor(scorer, Duration.ofSeconds(10), Duration.ZERO);
    scoring.init(scoringContext);
    for (Input in : order) {
      if (in.login() != null) {
        long at = in.login().getTimestamp().toEpochMilli();
        sessions.process(new Record<>("carol", in.login(), at));
      } else {
        long at = in.finding().getTimestamp().toEpochMilli();
        scoring.process(new Record<>("carol", in.finding(), at));
      }
    }
    Set<String> commands = new TreeSet<>();
    Set<String> alerts = new TreeSet<>();
    List<String> revoked = new ArrayList<>();
    Set<String> revokeIds = new TreeSet<>();
    List<RiskLevel> levels = new ArrayList<>();
    List<ScoringOutput> out = new ArrayList<>();
    sessionsContext.forwarded().forEach(f -> out.add(f.record().value()));
    scoringContext.forwarded().forEach(f -> out.add(f.record().value()));
    for (ScoringOutput r : out) {
      switch (r.kind()) {
        case COMMAND -> {
          EnforcementCommand c = (EnforcementCommand) r.value();
          assertThat(commands.add(c.getCommandId())).as("command repeated").isTrue();
          if (c.getAction() == EnforcementAction.REVOKE_SESSIONS) {
            revoked.addAll(c.getSessionIds());
            revokeIds.add(c.getCommandId());
          }
        }
        case ALERT -> {
          alerts.add(((RiskAlert) r.value()).getAlertId());
          levels.add(((RiskAlert) r.value()).getLevel());
        }
        default -> {}
      }
    }
    return new Outcome(commands, alerts, revoked, revokeIds, levels);
  }

  private static <T> List<List<T>> permutations(List<T> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      List<T> rest = new ArrayList<>(items);
      T head = rest.remove(i);
      for (List<T> tail : permutations(rest)) {
        List<T> p = new ArrayList<>();
        p.add(head);
        p.addAll(tail);
        out.add(p);
      }
    }
    return out;
  }
}
