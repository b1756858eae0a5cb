package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.risk.detect.window.AttemptLog;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kerberoasting (MITRE T1558.003), keyed by subject: one account requesting service tickets for
 * many distinct user-account services in a short window, RC4-encrypted tickets weighing double
 * (offline cracking of RC4 tickets is what the attack needs). Services that are computer accounts
 * ({@code NAME$}) and {@code krbtgt} are ignored: every client asks for those. Each distinct
 * service weighs 1, plus {@code rc4-weight} when its ticket was RC4; at {@code min-weight} the
 * requesting account gets an ACTOR finding (revised as the roast grows), its source host or address
 * an ACTOR finding of its own (subject type DEVICE), and every roasted service account a TARGET
 * finding (its password should be rotated). Windowed on the shared {@link AttemptLog} engine, so
 * arrival order within the allowed lateness does not change the findings.
 */
public final class KerberoastingDetector
    implements Detector<LoginEvent, KerberoastingDetector.State> {

  /** Detector id. */
  public static final String ID = "login.kerberoasting";

  private static final int RC4 = 1;
  private static final int CAPACITY = 48;
  private static final int EMITTED = 48;

  private final long window;
  private final long lateness;
  private final double minWeight;
  private final double rc4Weight;
  private final double actorScore;
  private final double sourceScore;
  private final double targetScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (10m), {@code min-weight} (6), {@code rc4-weight} (1), {@code
   * allowed-lateness} (5m), {@code actor-score} (70), {@code source-score} (65), {@code
   * target-score} (30), {@code half-life} (24h).
   */
  public KerberoastingDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(10)).toMillis();
    this.lateness =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
    this.minWeight = settings.getDouble(ID + ".min-weight", 6);
    this.rc4Weight = settings.getDouble(ID + ".rc4-weight", 1);
    this.actorScore = settings.getDouble(ID + ".actor-score", 70);
    this.sourceScore = settings.getDouble(ID + ".source-score", 65);
    this.targetScore = settings.getDouble(ID + ".target-score", 30);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** Buffered service-ticket requests of one account. */
  public static final class State {
    AttemptLog log = new AttemptLog();
    int detectedEpisode = -1;
    long windowStart;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Class<State> stateType() {
    return State.class;
  }

  @Override
  public State newState() {
    return new State();
  }

  /** Whether a ticket encryption type is RC4 (name or the raw Windows code 0x17). */
  static boolean rc4(String encryption) {
    if (encryption == null) {
      return false;
    }
    String e = encryption.trim().toUpperCase(Locale.ROOT);
    return e.startsWith("RC4") || e.equals("0X17") || e.equals("23") || e.equals("0X18");
  }

  @Override
  public boolean reads(LoginEvent event, DetectionContext context) {
    return event.getKind() == LoginKind.SERVICE_TICKET
        && event.getOutcome() == LoginOutcome.SUCCESS
        && !Hosts.machineOrBuiltIn(event.getSubjectId())
        && !Hosts.machineOrBuiltIn(event.getServiceName());
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    if (event.getKind() != LoginKind.SERVICE_TICKET
        || event.getOutcome() != LoginOutcome.SUCCESS
        || Hosts.machineOrBuiltIn(event.getSubjectId())
        || Hosts.machineOrBuiltIn(event.getServiceName())) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    AttemptLog log = state.log;
    if (!log.admit(at, lateness)) {
      return List.of();
    }
    AttemptLog.Entry e = new AttemptLog.Entry();
    e.t = at;
    e.id = event.getEventId();
    e.who = event.getServiceName().trim();
    e.what = Hosts.source(event);
    e.flags = rc4(event.getTicketEncryption()) ? RC4 : 0;
    e.ep = log.episodeOf(at, window);
    log.add(e, window + lateness, CAPACITY);
    if (state.detectedEpisode != log.episode) {
      for (AttemptLog.Entry r : log.entries) {
        if (r.ep == log.episode && weigh(log.between(r.t - window, r.t)).weight >= minWeight) {
          state.detectedEpisode = log.episode;
          state.windowStart = r.t - window;
          break;
        }
      }
    }
    if (state.detectedEpisode != log.episode) {
      return List.of();
    }
    List<AttemptLog.Entry> roast = new ArrayList<>();
    for (AttemptLog.Entry r : log.entries) {
      if (r.ep == log.episode && r.t >= state.windowStart) {
        roast.add(r);
      }
    }
    Weighed w = weigh(roast);
    List<RiskFinding> out = new ArrayList<>();
    String ep = String.valueOf(log.episode);
    for (Map.Entry<String, Boolean> s : w.services.entrySet()) {
      if (log.markEmitted("t|" + s.getKey() + "|" + ep, 0, EMITTED)) {
        out.add(target(event, s.getKey(), s.getValue(), roast));
      }
    }
    int digest = AttemptLog.revision(w.services.size());
    if (log.markEmitted("a|" + ep, digest, EMITTED)) {
      out.add(actor(event, w, roast, ep));
      for (String source : w.sources) {
        out.add(source(event, source, w, roast, ep));
      }
    }
    return out;
  }

  /** Distinct services (with whether any ticket was RC4), sources and weight. */
  private record Weighed(Map<String, Boolean> services, Set<String> sources, double weight) {
    long rc4() {
      return services.values().stream().filter(b -> b).count();
    }
  }

  private Weighed weigh(List<AttemptLog.Entry> requests) {
    Map<String, Boolean> services = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    Set<String> sources = new LinkedHashSet<>();
    for (AttemptLog.Entry r : requests) {
      services.merge(r.who, (r.flags & RC4) != 0, Boolean::logicalOr);
      if (r.what != null) {
        sources.add(r.what);
      }
    }
    double weight = 0;
    for (boolean isRc4 : services.values()) {
      weight += 1 + (isRc4 ? rc4Weight : 0);
    }
    return new Weighed(services, sources, weight);
  }

  private String describe(Weighed w, List<AttemptLog.Entry> roast) {
    List<String> names = new ArrayList<>(w.services.keySet());
    String top = String.join(", ", names.subList(0, Math.min(5, names.size())));
    String more = names.size() > 5 ? " and " + (names.size() - 5) + " more" : "";
    long minutes = Math.max(1, Math.round((last(roast) - roast.get(0).t) / 60_000.0));
    return String.format(
        Locale.ROOT,
        "%d service tickets for %d distinct user-account services (%d RC4-encrypted) within %d"
            + " minutes: %s%s (threshold weight %.0f in %d minutes)",
        roast.size(),
        w.services.size(),
        w.rc4(),
        minutes,
        top,
        more,
        minWeight,
        window / 60_000L);
  }

  private Findings base(
      String subject, SubjectType type, Weighed w, List<AttemptLog.Entry> roast, String key) {
    List<String> ids = new ArrayList<>();
    roast.forEach(r -> ids.add(r.id));
    return Findings.finding(ID, subject, type, Instant.ofEpochMilli(last(roast)))
        .identity(key)
        .halfLife(halfLife)
        .evidence("services", w.services.size())
        .evidence("rc4Services", w.rc4())
        .evidence("tickets", roast.size())
        .evidence("sources", String.join(", ", w.sources))
        .evidence("firstRequestAt", Instant.ofEpochMilli(roast.get(0).t))
        .sourceEvents(ids.subList(Math.max(0, ids.size() - 10), ids.size()))
        .tactic("T1558.003");
  }

  private RiskFinding actor(LoginEvent event, Weighed w, List<AttemptLog.Entry> roast, String ep) {
    return base(event.getSubjectId(), event.getSubjectType(), w, roast, "actor|" + ep)
        .role(FindingRole.ACTOR)
        .related(w.services.keySet())
        .score(actorScore + Math.min(20, 2.0 * Math.max(0, w.services.size() - 3)))
        .confidence(0.85)
        .summary("Kerberoasting: requested " + describe(w, roast) + ".")
        .build();
  }

  private RiskFinding source(
      LoginEvent event, String source, Weighed w, List<AttemptLog.Entry> roast, String ep) {
    return base(source, SubjectType.DEVICE, w, roast, "source|" + event.getSubjectId() + "|" + ep)
        .role(FindingRole.ACTOR)
        .related(event.getSubjectId())
        .score(sourceScore + Math.min(20, 2.0 * Math.max(0, w.services.size() - 3)))
        .confidence(0.8)
        .summary(
            "Kerberoasting from this host: "
                + event.getSubjectId()
                + " requested "
                + describe(w, roast)
                + ".")
        .build();
  }

  private RiskFinding target(
      LoginEvent event, String service, boolean isRc4, List<AttemptLog.Entry> roast) {
    List<String> ids = new ArrayList<>();
    long at = roast.get(0).t;
    for (AttemptLog.Entry r : roast) {
      if (r.who.equalsIgnoreCase(service)) {
        ids.add(r.id);
        at = r.t;
      }
    }
    return Findings.finding(ID, service, SubjectType.SERVICE_ACCOUNT, Instant.ofEpochMilli(at))
        .identity("target|" + event.getSubjectId() + "|" + roast.get(0).ep)
        .role(FindingRole.TARGET)
        .related(event.getSubjectId())
        .score(targetScore + (isRc4 ? 10 : 0))
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Service ticket%s requested by %s during a Kerberoasting burst: the ticket can be"
                    + " cracked offline; rotate this account's password.",
                isRc4 ? " (RC4-encrypted)" : "",
                event.getSubjectId()))
        .evidence("requestedBy", event.getSubjectId())
        .evidence("rc4", isRc4)
        .sourceEvents(ids)
        .tactic("T1558.003")
        .build();
  }

  private static long last(List<AttemptLog.Entry> entries) {
    return entries.get(entries.size() - 1).t;
  }
}
