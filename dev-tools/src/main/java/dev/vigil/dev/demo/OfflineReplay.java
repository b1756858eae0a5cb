package dev.vigil.dev.demo;

import dev.vigil.app.cli.Observation;
import dev.vigil.dev.demo.generator.GeneratedEvent;
import dev.vigil.dev.demo.generator.GeneratorSettings;
import dev.vigil.dev.demo.generator.TrafficGenerator;
import dev.vigil.risk.decision.Decision;
import dev.vigil.risk.decision.DecisionEngine;
import dev.vigil.risk.decision.Policy;
import dev.vigil.risk.decision.PolicyParser;
import dev.vigil.risk.decision.RiskOutputs;
import dev.vigil.risk.detect.BaselineBundle;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.DetectionEngine;
import dev.vigil.risk.detect.DetectorCatalog;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.risk.detect.access.AccessSignal;
import dev.vigil.risk.detect.device.DeviceSignal;
import dev.vigil.risk.fusion.FusionResult;
import dev.vigil.risk.fusion.FusionSettings;
import dev.vigil.risk.fusion.RiskFusion;
import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.risk.reference.ReferenceData;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AccessGrant;
import dev.vigil.schema.DevicePosture;
import dev.vigil.schema.ExternalSignal;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.NetworkFlow;
import dev.vigil.schema.RiskAlert;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.ServiceEdge;
import dev.vigil.schema.ThreatIndicator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The demo without Kafka: the generator's history and live traffic run in memory through the same
 * detectors, fusion and policy as {@code vigil demo}, keyed as the topology keys them (subject;
 * source IP for password spray; device for posture, with sign-ins and accesses re-keyed by device),
 * and scored with the same {@link Scorecard}. Seconds instead of minutes, so detector changes can
 * be judged quickly and the scorecard can be a regression test.
 *
 * <p>Wall-clock behaviour is simulated: history is processed at {@link Options#historyRate()}
 * events per second starting at the live start instant, risk decays every {@link
 * Options#decayInterval()} and devices are checked for stale posture every {@link
 * Options#deviceCheckInterval()} of that simulated wall clock, and in the live phase the wall clock
 * runs with event time. Alerts are kept as the demo keeps them: those stamped less than 60 s before
 * the live start are history and not shown.
 */
public final class OfflineReplay {

  /**
   * What to replay.
   *
   * @param generator generator settings (seed, users, rate, live start)
   * @param history how much history to replay before the live phase
   * @param live how much live traffic to replay
   * @param historyRate simulated processing rate of history, events per wall-clock second
   * @param decayInterval wall-clock interval of the risk decay punctuator
   * @param deviceCheckInterval wall-clock interval of the stale-posture check
   */
  public record Options(
      GeneratorSettings generator,
      Duration history,
      Duration live,
      double historyRate,
      Duration decayInterval,
      Duration deviceCheckInterval) {

    /**
     * The demo's settings: 300 users, 200 events/s, 7 days of history, decay every 2 s, device
     * check every 5 minutes, history processed at about 1,500 events/s (as measured by the demo on
     * a busy two-core machine).
     *
     * @param seed the generator seed
     * @param live how much live traffic
     * @return the options
     */
    public static Options demo(long seed, Duration live) {
      GeneratorSettings g = GeneratorSettings.defaults(seed).withEventsPerSecond(200);
      return new Options(
          g, Duration.ofDays(7), live, 1_500, Duration.ofSeconds(2), Duration.ofMinutes(5));
    }

    /**
     * A copy with another device check interval.
     *
     * @param interval the interval
     * @return the copy
     */
    public Options withDeviceCheckInterval(Duration interval) {
      return new Options(generator, history, live, historyRate, decayInterval, interval);
    }
  }

  /**
   * What the replay produced.
   *
   * @param scorecard the scorecard, computed as the demo computes it
   * @param findingsByDetector findings raised during the whole replay, per detector id
   * @param liveFindingsByDetector findings raised from live events, per detector id
   * @param historyEvents history events replayed
   * @param liveEvents live events replayed
   * @param alerts every alert, history included, in emission order
   */
  public record Result(
      Scorecard scorecard,
      Map<String, Integer> findingsByDetector,
      Map<String, Integer> liveFindingsByDetector,
      long historyEvents,
      long liveEvents,
      List<RiskAlert> alerts) {}

  private static final Duration SHOWN_BEFORE_LIVE = Duration.ofSeconds(60);

  private final Options options;
  private final ReferenceData reference = new ReferenceData();
  private final DetectionContext context;
  private final DetectorCatalog catalog;
  private final Keyed<LoginEvent> loginBySubject;
  private final Keyed<LoginEvent> loginByIp;
  private final Keyed<AccessSignal> accessBySubject;
  private final Keyed<DeviceSignal> deviceByDevice;
  private final Keyed<NetworkFlow> networkBySubject;
  private final Keyed<ExternalSignal> externalBySubject;
  private final RiskFusion fusion = new RiskFusion(FusionSettings.defaults());
  private final DecisionEngine decisions = new DecisionEngine();
  private final Policy policy = PolicyParser.defaultPolicy();
  private final Map<String, SubjectRiskState> risk = new TreeMap<>();
  private final List<Observation> observations = new ArrayList<>();
  private final List<RiskAlert> alerts = new ArrayList<>();
  private final Map<String, Integer> findings = new TreeMap<>();
  private final Map<String, Integer> liveFindings = new TreeMap<>();
  private boolean inLive;
  private long wallMillis;
  private long nextDecayMillis;
  private long nextCheckMillis;

  private OfflineReplay(Options options) {
    this.options = options;
    DetectorSettings settings = DetectorSettings.defaults();
    this.context = new DetectionContext(reference, settings);
    this.catalog = DetectorCatalog.defaults(settings);
    this.loginBySubject = keyed(LoginEvent.class, KeyScope.SUBJECT, LoginEvent::getEventId);
    this.loginByIp = keyed(LoginEvent.class, KeyScope.SOURCE_IP, LoginEvent::getEventId);
    this.accessBySubject = keyed(AccessSignal.class, KeyScope.SUBJECT, AccessSignal::eventId);
    this.deviceByDevice = keyed(DeviceSignal.class, KeyScope.DEVICE, DeviceSignal::eventId);
    this.networkBySubject = keyed(NetworkFlow.class, KeyScope.SUBJECT, NetworkFlow::getEventId);
    this.externalBySubject =
        keyed(ExternalSignal.class, KeyScope.SUBJECT, ExternalSignal::getEventId);
  }

  /**
   * Replays history and live traffic and computes the scorecard.
   *
   * @param options what to replay
   * @return the outcome
   */
  public static Result run(Options options) {
    return new OfflineReplay(options).replay();
  }

  private Result replay() {
    GeneratorSettings g = options.generator();
    TrafficGenerator generator = new TrafficGenerator(g);
    generator.referenceData().forEach(this::reference);
    long start = g.start().toEpochMilli();
    wallMillis = start;
    nextDecayMillis = start + options.decayInterval().toMillis();
    nextCheckMillis = start + options.deviceCheckInterval().toMillis();
    double perEventMillis = 1000.0 / options.historyRate();
    long[] historyCount = {0};
    generator
        .history(options.history())
        .forEach(
            e -> {
              historyCount[0]++;
              advanceWall(start + Math.round(historyCount[0] * perEventMillis));
              signal(e);
            });
    // Live: the demo maps event time to wall clock from the moment history is caught up.
    long liveWallStart = wallMillis;
    inLive = true;
    long[] liveCount = {0};
    generator
        .events(options.live())
        .forEach(
            e -> {
              liveCount[0]++;
              advanceWall(liveWallStart + (e.timestamp().toEpochMilli() - start));
              signal(e);
            });
    advanceWall(liveWallStart + options.live().toMillis());
    Scorecard card =
        Scorecard.compute(
            generator.labels(),
            observations,
            at -> liveWallStart + Duration.between(g.start(), at).toMillis());
    return new Result(
        card, findings, liveFindings, historyCount[0], liveCount[0], List.copyOf(alerts));
  }

  private void reference(GeneratedEvent e) {
    if (e.value() instanceof ThreatIndicator indicator) {
      reference.putIndicator(e.key(), indicator);
    } else if (e.value() instanceof ServiceEdge edge) {
      reference.putEdge(e.key(), edge);
    }
  }

  /** Runs the punctuators that fall due before the simulated wall clock reaches {@code to}. */
  private void advanceWall(long to) {
    while (Math.min(nextDecayMillis, nextCheckMillis) <= to) {
      if (nextCheckMillis <= nextDecayMillis) {
        wallMillis = nextCheckMillis;
        Instant now = Instant.ofEpochMilli(nextCheckMillis);
        for (String device : List.copyOf(deviceByDevice.bundles.keySet())) {
          deviceByDevice.observe(device, DeviceSignal.ofCheck(device, now));
        }
        nextCheckMillis += options.deviceCheckInterval().toMillis();
      } else {
        wallMillis = nextDecayMillis;
        decay(nextDecayMillis);
        nextDecayMillis += options.decayInterval().toMillis();
      }
    }
    wallMillis = Math.max(wallMillis, to);
  }

  private void signal(GeneratedEvent e) {
    String key = e.key();
    Object value = e.value();
    if (value instanceof LoginEvent login) {
      loginBySubject.observe(key, login);
      if (login.getIp() != null) {
        loginByIp.observe(login.getIp(), login);
      }
      accessBySubject.observe(key, AccessSignal.ofLogin(login));
      DeviceSignal.fromLogin(login).ifPresent(s -> deviceByDevice.observe(s.deviceId(), s));
    } else if (value instanceof AccessEvent access) {
      accessBySubject.observe(key, AccessSignal.ofAccess(access));
      DeviceSignal.fromAccess(access).ifPresent(s -> deviceByDevice.observe(s.deviceId(), s));
    } else if (value instanceof AccessGrant grant) {
      accessBySubject.observe(key, AccessSignal.ofGrant(grant));
    } else if (value instanceof DevicePosture posture) {
      deviceByDevice.observe(key, DeviceSignal.ofPosture(posture));
    } else if (value instanceof NetworkFlow flow) {
      networkBySubject.observe(key, flow);
    } else if (value instanceof ExternalSignal external) {
      externalBySubject.observe(key, external);
    } else {
      reference(e);
    }
  }

  private void score(RiskFinding finding) {
    findings.merge(finding.getDetectorId(), 1, Integer::sum);
    if (inLive) {
      liveFindings.merge(finding.getDetectorId(), 1, Integer::sum);
    }
    SubjectRiskState state =
        risk.computeIfAbsent(
            finding.getSubjectId(),
            id -> {
              SubjectRiskState s = new SubjectRiskState();
              s.subjectId = id;
              return s;
            });
    if (state.subjectType == null || state.subjectType == dev.vigil.schema.SubjectType.UNKNOWN) {
      state.subjectType = finding.getSubjectType();
    }
    fusion.add(state, finding);
    Instant at =
        Instant.ofEpochMilli(
            Math.max(state.updatedAtMillis, finding.getTimestamp().toEpochMilli()));
    emit(state, fusion.recompute(state, at, 1.0), at);
  }

  private void decay(long now) {
    for (SubjectRiskState state : risk.values()) {
      if (state.findings.isEmpty() && state.level == RiskLevel.NONE) {
        continue;
      }
      Instant at = Instant.ofEpochMilli(Math.max(now, state.updatedAtMillis));
      FusionResult result = fusion.recompute(state, at, 1.0);
      if (result.levelChanged()) {
        emit(state, result, at);
      }
    }
  }

  private void emit(SubjectRiskState state, FusionResult result, Instant at) {
    if (!result.levelChanged()) {
      return;
    }
    Decision decision = decisions.decide(policy, state, result, at).orElse(null);
    RiskAlert alert = RiskOutputs.alert(state, result, decision, at);
    alerts.add(alert);
    Instant shownFrom = options.generator().start().minus(SHOWN_BEFORE_LIVE);
    if (at.isBefore(shownFrom)) {
      return;
    }
    observations.add(new Observation(Observation.Kind.ALERT, state.subjectId, alert, wallMillis));
    if (decision != null) {
      observations.add(
          new Observation(
              Observation.Kind.AUDIT,
              state.subjectId,
              RiskOutputs.command(decision, state, result, at),
              wallMillis));
    }
  }

  private <E> Keyed<E> keyed(Class<E> type, KeyScope scope, Function<E, String> eventId) {
    return new Keyed<>(new DetectionEngine<>(catalog.detectors(type, scope), eventId));
  }

  /** One detection processor: an engine and its store of baselines per key. */
  private final class Keyed<E> {
    private final DetectionEngine<E> engine;
    private final Map<String, BaselineBundle> bundles = new HashMap<>();

    Keyed(DetectionEngine<E> engine) {
      this.engine = engine;
    }

    void observe(String key, E event) {
      if (key == null || engine.detectors().isEmpty()) {
        return;
      }
      BaselineBundle bundle = bundles.computeIfAbsent(key, k -> new BaselineBundle());
      for (RiskFinding finding : engine.observe(event, bundle, context)) {
        score(finding);
      }
    }
  }
}
