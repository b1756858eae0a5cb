package dev.vigil.risk.detect.access;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.Ewma;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * First access by a subject to a resource it has never used (Defender for Cloud Apps "unusual file
 * access", Elastic "first time seen" rules), after a learning period. A burst of first-time
 * accesses to CONFIDENTIAL or RESTRICTED resources within a short window is reported once, more
 * strongly, as {@value #BULK_ID} (insider bulk collection); a few a day over several days, well
 * above the subject's own and its peers' rate, as {@value #SLOW_ID} (slow insider collection, see
 * {@link SlowCollection}).
 *
 * <p>Known resources are kept as fingerprints in a capped set with least-recently-used eviction;
 * the daily rate of new resources is an EWMA, used to state the usual range and to raise the bulk
 * threshold for subjects that routinely meet new resources.
 */
public final class FirstResourceDetector
    implements Detector<AccessSignal, FirstResourceDetector.State> {

  /** Detector id. */
  public static final String ID = "access.first-resource";

  /** Id of the findings for a burst of first-time sensitive accesses. */
  public static final String BULK_ID = "access.bulk-sensitive";

  /** Id of the findings for sensitive resources first accessed a few a day over days. */
  public static final String SLOW_ID = "access.slow-collection";

  private static final int BURST_EVENT_IDS = 8;
  private static final double DAILY_ALPHA = 0.1;
  private static final String HOST = "host ";

  private final int capacity;
  private final long learningMillis;
  private final long learningMinAccesses;
  private final long bulkWindowMillis;
  private final int bulkMinCount;
  private final double bulkBaselineMultiplier;
  private final boolean includeInternal;
  private final Duration halfLife;
  private final Duration bulkHalfLife;
  private final boolean slowEnabled;
  private final SlowCollection slow;
  private final double familiarHostFactor;

  /**
   * Reads {@code capacity} (128 resources), {@code learning-period} (7d), {@code
   * learning-min-accesses} (30), {@code include-internal} (true: INTERNAL resources give a weak
   * finding too), {@code bulk-window} (10m), {@code bulk-min-count} (20), {@code
   * bulk-baseline-multiplier} (3: the bulk threshold is at least this times the usual daily upper
   * rate of new sensitive resources), {@code half-life} (12h), {@code bulk-half-life} (24h), {@code
   * slow-enabled} (true), the {@code slow-*} parameters of {@link SlowCollection} and {@code
   * familiar-application-factor} (0.5: score multiplier when the subject already uses other
   * resources on the same host).
   */
  public FirstResourceDetector(DetectorSettings settings) {
    this.capacity = settings.getInt(ID + ".capacity", 128);
    this.learningMillis =
        settings.getDuration(ID + ".learning-period", Duration.ofDays(7)).toMillis();
    this.learningMinAccesses = settings.getInt(ID + ".learning-min-accesses", 30);
    this.includeInternal = settings.getBoolean(ID + ".include-internal", true);
    this.bulkWindowMillis =
        settings.getDuration(ID + ".bulk-window", Duration.ofMinutes(10)).toMillis();
    this.bulkMinCount = Math.max(2, settings.getInt(ID + ".bulk-min-count", 20));
    this.bulkBaselineMultiplier = settings.getDouble(ID + ".bulk-baseline-multiplier", 3);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.bulkHalfLife = settings.getDuration(ID + ".bulk-half-life", Duration.ofHours(24));
    this.familiarHostFactor = settings.getDouble(ID + ".familiar-application-factor", 0.5);
    this.slowEnabled = settings.getBoolean(ID + ".slow-enabled", true);
    this.slow = new SlowCollection(settings);
  }

  @Override
  public Set<String> findingIds() {
    return Set.of(ID, BULK_ID, SLOW_ID);
  }

  /** Known resources, learning progress, daily new-resource rates and the current burst. */
  public static final class State {
    long firstAt = Long.MAX_VALUE;
    long accesses;
    RecencySet resources = new RecencySet();
    long day = Long.MIN_VALUE;
    int newToday;
    int newSensitiveToday;
    Ewma newPerDay = new Ewma();
    Ewma newSensitivePerDay = new Ewma();
    long[] burst = new long[0];
    List<String> burstEventIds = new ArrayList<>();
    long bulkFiredAt = Long.MIN_VALUE;
    SlowCollection.Tally slow = new SlowCollection.Tally();
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

  @Override
  public boolean reads(AccessSignal signal, DetectionContext context) {
    AccessEvent event = signal.access();
    return event != null && event.getDecision() == AccessDecision.ALLOWED;
  }

  @Override
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    AccessEvent event = signal.access();
    if (event == null || event.getDecision() != AccessDecision.ALLOWED) {
      return List.of();
    }
    long at = event.getTimestamp().toEpochMilli();
    boolean learned =
        state.accesses >= learningMinAccesses
            && state.firstAt != Long.MAX_VALUE
            && at - state.firstAt >= learningMillis;
    state.firstAt = Math.min(state.firstAt, at);
    state.accesses++;
    boolean current = rollDay(state, at);
    if (slowEnabled) {
      slow.roll(state.slow, at, state.firstAt, learned);
    }
    int minute = RecencySet.minute(at);
    boolean isNew =
        state.resources.touch(RecencySet.fingerprint(event.getResource()), minute, capacity);
    // The application (host) is remembered beside its resources: a new page or console of an
    // application the subject already works in (an admin opening another console of the IAM or
    // cluster UI) is weaker evidence than a first step into an application never used.
    String host = host(event.getResource());
    boolean familiarHost =
        host != null
            && !state.resources.touch(RecencySet.fingerprint(HOST + host), minute, capacity);
    if (!isNew) {
      return List.of();
    }
    boolean sensitive = sensitive(event.getSensitivity());
    Optional<RiskFinding> slowCollection =
        slowEnabled && sensitive ? slow.firstAccess(event, state.slow, learned) : Optional.empty();
    // The usual range is read before today's count moves it.
    String usual = state.newPerDay.usualRange();
    String usualSensitive = state.newSensitivePerDay.usualRange();
    double usualSensitiveHigh =
        state.newSensitivePerDay.mean + 2 * Math.sqrt(Math.max(state.newSensitivePerDay.var, 0));
    if (current) {
      state.newToday++;
      if (sensitive) {
        state.newSensitiveToday++;
      }
    }
    if (!learned) {
      return List.of();
    }
    List<RiskFinding> findings = new ArrayList<>();
    boolean inBulk = false;
    if (sensitive) {
      addToBurst(state, at, event.getEventId());
      int count = countInWindow(state.burst, at);
      int wanted =
          Math.max(bulkMinCount, (int) Math.ceil(bulkBaselineMultiplier * usualSensitiveHigh));
      int threshold = Math.min(2 * bulkMinCount, wanted);
      // A subject that meets more new sensitive resources on a usual day than the window can hold
      // (a batch job sweeping partitions) cannot be told from bulk collection by this count.
      boolean routine = wanted > 2 * bulkMinCount;
      inBulk = state.bulkFiredAt != Long.MIN_VALUE && at - state.bulkFiredAt < bulkWindowMillis;
      if (count >= threshold && !inBulk && !routine) {
        state.bulkFiredAt = at;
        findings.add(bulk(event, state, count, usualSensitive));
        inBulk = true;
      }
    }
    if (!inBulk
        && (sensitive || includeInternal && event.getSensitivity() == Sensitivity.INTERNAL)) {
      findings.add(first(event, usual, familiarHost ? host : null));
    }
    slowCollection.ifPresent(findings::add);
    return findings;
  }

  /** Advances the daily counters; returns false for an event of an earlier day (late). */
  private static boolean rollDay(State state, long at) {
    long day = Math.floorDiv(at, 86_400_000L);
    if (state.day == Long.MIN_VALUE) {
      state.day = day;
      return true;
    }
    if (day < state.day) {
      return false;
    }
    if (day > state.day) {
      state.newPerDay.update(state.newToday, DAILY_ALPHA);
      state.newSensitivePerDay.update(state.newSensitiveToday, DAILY_ALPHA);
      state.newPerDay.updateZeros(day - state.day - 1, DAILY_ALPHA, 60);
      state.newSensitivePerDay.updateZeros(day - state.day - 1, DAILY_ALPHA, 60);
      state.day = day;
      state.newToday = 0;
      state.newSensitiveToday = 0;
    }
    return true;
  }

  private void addToBurst(State state, long at, String eventId) {
    long[] kept =
        Arrays.stream(state.burst).filter(t -> t > at - bulkWindowMillis || t > at).toArray();
    if (kept.length == 0) {
      state.burstEventIds.clear();
    }
    // Keep at most what the highest threshold needs; the newest times matter for later windows.
    long[] next = Arrays.copyOf(kept, kept.length + 1);
    next[kept.length] = at;
    Arrays.sort(next);
    int cap = 2 * bulkMinCount;
    state.burst =
        next.length > cap ? Arrays.copyOfRange(next, next.length - cap, next.length) : next;
    state.burstEventIds.add(eventId);
    while (state.burstEventIds.size() > BURST_EVENT_IDS) {
      state.burstEventIds.remove(0);
    }
  }

  private int countInWindow(long[] times, long at) {
    int n = 0;
    for (long t : times) {
      if (t > at - bulkWindowMillis && t <= at) {
        n++;
      }
    }
    return n;
  }

  private RiskFinding first(AccessEvent event, String usual, String familiarHost) {
    Sensitivity s = event.getSensitivity();
    double score = s == Sensitivity.RESTRICTED ? 50 : s == Sensitivity.CONFIDENTIAL ? 35 : 12;
    if (familiarHost != null) {
      score *= familiarHostFactor;
    }
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(score)
        .confidence(s == Sensitivity.INTERNAL ? 0.5 : 0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Accessed %s resource %s for the first time (usual: %s new resources a day).",
                s.name().toLowerCase(Locale.ROOT),
                event.getResource(),
                usual))
        .evidence("resource", event.getResource())
        .evidence("sensitivity", s)
        .evidence("action", event.getAction())
        .evidence("usualNewPerDay", usual)
        .evidence("familiarApplication", familiarHost)
        .sourceEvents(event.getEventId())
        .tactic(s == Sensitivity.INTERNAL ? null : "T1213")
        .build();
  }

  private RiskFinding bulk(AccessEvent event, State state, int count, String usual) {
    long minutes = Math.max(1, Math.round(bulkWindowMillis / 60_000.0));
    return Findings.finding(
            BULK_ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(Math.min(90, 65 + count / 4.0))
        .confidence(0.8)
        .halfLife(bulkHalfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Accessed %d confidential or restricted resources in %d minutes that it had never"
                    + " accessed before (usual: %s new sensitive resources a day).",
                count,
                minutes,
                usual))
        .evidence("count", count)
        .evidence("windowMinutes", minutes)
        .evidence("lastResource", event.getResource())
        .evidence("usualNewSensitivePerDay", usual)
        .sourceEvents(state.burstEventIds)
        .tactic("T1530")
        .build();
  }

  /**
   * The host of a resource: of a URL ({@code https://iam.corp.example/console}), a UNC path ({@code
   * \\fs01\share}) or a {@code host/path} string; null when there is none.
   */
  static String host(String resource) {
    if (resource == null || resource.isBlank()) {
      return null;
    }
    String r = resource.trim();
    int scheme = r.indexOf("://");
    if (scheme >= 0) {
      r = r.substring(scheme + 3);
    } else if (r.startsWith("\\\\")) {
      r = r.substring(2);
    } else if (r.indexOf('/') < 0 && r.indexOf('\\') < 0) {
      return null;
    }
    int end = r.length();
    for (char c : new char[] {'/', '\\', '?', '#'}) {
      int i = r.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String host = r.substring(0, end).toLowerCase(Locale.ROOT);
    return host.isEmpty() ? null : host;
  }

  private static boolean sensitive(Sensitivity s) {
    return s == Sensitivity.CONFIDENTIAL || s == Sensitivity.RESTRICTED;
  }
}
