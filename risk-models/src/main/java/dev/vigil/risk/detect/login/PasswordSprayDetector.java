package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.KeyScope;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Password spray (MITRE T1110.003), keyed by source IP: failed sign-ins from one address against
 * many distinct subjects within a sliding window. When the number of distinct subjects reaches the
 * threshold, every targeted subject gets one finding (fan-out: the finding's subject is the
 * targeted user); while the address stays marked as spraying, each newly targeted subject gets one
 * too, and a successful sign-in from it gets a high-score finding. The targeted subjects are a
 * capped map evicting the least recently targeted, so a subject evicted and targeted again may be
 * reported twice. Events older than the window before the newest one are ignored.
 */
public final class PasswordSprayDetector
    implements Detector<LoginEvent, PasswordSprayDetector.State> {

  /** Detector id. */
  public static final String ID = "login.password-spray";

  private final Duration window;
  private final int minSubjects;
  private final int capacity;
  private final Duration memory;
  private final double targetScore;
  private final double successScore;
  private final Duration halfLife;

  /**
   * Reads {@code window} (15m), {@code min-subjects} (15), {@code target-capacity} (40, at least
   * {@code min-subjects}), {@code spray-memory} (24h), {@code target-score} (35), {@code
   * success-score} (85), {@code half-life} (12h).
   */
  public PasswordSprayDetector(DetectorSettings settings) {
    this.window = settings.getDuration(ID + ".window", Duration.ofMinutes(15));
    this.minSubjects = settings.getInt(ID + ".min-subjects", 15);
    this.capacity = Math.max(minSubjects, settings.getInt(ID + ".target-capacity", 40));
    this.memory = settings.getDuration(ID + ".spray-memory", Duration.ofHours(24));
    this.targetScore = settings.getDouble(ID + ".target-score", 35);
    this.successScore = settings.getDouble(ID + ".success-score", 85);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
  }

  /** One targeted subject: last failure time ({@code t}), its event id, whether reported. */
  public static final class Target {
    long t;
    String id;
    boolean reported;
    String type;
  }

  /** Subjects that failed from this address, and whether and since when it is spraying. */
  public static final class State {
    TreeMap<String, Target> targets = new TreeMap<>();
    long latestMillis;
    long sprayStartMillis;
    long sprayLastMillis;
    long reportedCount;
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public KeyScope scope() {
    return KeyScope.SOURCE_IP;
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
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    LoginOutcome outcome = event.getOutcome();
    boolean failure = outcome == LoginOutcome.FAILURE || outcome == LoginOutcome.LOCKED_OUT;
    if (!failure && outcome != LoginOutcome.SUCCESS) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    long w = window.toMillis();
    if (state.latestMillis != 0 && at < state.latestMillis - w) {
      return List.of(); // Too old to fall in any window still open.
    }
    state.latestMillis = Math.max(state.latestMillis, at);
    boolean spraying =
        state.sprayLastMillis != 0
            && state.latestMillis - state.sprayLastMillis <= memory.toMillis();
    if (!spraying && state.sprayLastMillis != 0) {
      state.sprayStartMillis = 0;
      state.sprayLastMillis = 0;
      state.reportedCount = 0;
      state.targets.values().forEach(t -> t.reported = false);
    }
    if (!failure) {
      return spraying ? List.of(success(event, state, at)) : List.of();
    }
    Target target = upsert(event, state, at);
    List<RiskFinding> out = new ArrayList<>();
    if (spraying) {
      if (!target.reported) {
        out.add(targeted(event.getSubjectId(), target, event, state, at));
      }
      state.sprayLastMillis = Math.max(state.sprayLastMillis, at);
      return out;
    }
    long from = state.latestMillis - w;
    int distinct = 0;
    for (Target t : state.targets.values()) {
      if (t.t >= from) {
        distinct++;
      }
    }
    if (distinct >= minSubjects) {
      state.sprayStartMillis = at;
      state.sprayLastMillis = at;
      for (Map.Entry<String, Target> e : state.targets.entrySet()) {
        if (e.getValue().t >= from && !e.getValue().reported) {
          out.add(targeted(e.getKey(), e.getValue(), event, state, at));
        }
      }
    }
    return out;
  }

  private Target upsert(LoginEvent event, State state, long at) {
    Target t = state.targets.get(event.getSubjectId());
    if (t == null) {
      if (state.targets.size() >= capacity) {
        String oldest =
            state.targets.entrySet().stream()
                .min(
                    Comparator.<Map.Entry<String, Target>>comparingLong(e -> e.getValue().t)
                        .thenComparing(Map.Entry::getKey))
                .orElseThrow()
                .getKey();
        state.targets.remove(oldest);
      }
      t = new Target();
      t.type =
          event.getSubjectType() == null || event.getSubjectType() == SubjectType.HUMAN
              ? null
              : event.getSubjectType().name();
      state.targets.put(event.getSubjectId(), t);
    }
    if (at >= t.t) {
      t.t = at;
      t.id = event.getEventId();
    }
    return t;
  }

  private RiskFinding targeted(
      String subject, Target target, LoginEvent trigger, State state, long at) {
    target.reported = true;
    state.reportedCount++;
    return Findings.finding(
            ID,
            subject,
            target.type == null ? SubjectType.HUMAN : SubjectType.valueOf(target.type),
            trigger.getTimestamp())
        .score(targetScore)
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Targeted by a password spray from %s: one of %d accounts with failed sign-ins from"
                    + " this address since %s (threshold %d distinct accounts in %d minutes).",
                trigger.getIp(),
                state.reportedCount,
                Instant.ofEpochMilli(state.sprayStartMillis),
                minSubjects,
                window.toMinutes()))
        .evidence("ip", trigger.getIp())
        .evidence("country", LoginSignals.country(trigger))
        .evidence("asn", LoginSignals.asn(trigger))
        .evidence("accountsTargeted", state.reportedCount)
        .evidence("sprayingSince", Instant.ofEpochMilli(state.sprayStartMillis))
        .evidence("lastFailureAt", Instant.ofEpochMilli(target.t))
        .sourceEvents(target.id, trigger.getEventId())
        .tactic("T1110.003")
        .build();
  }

  private RiskFinding success(LoginEvent event, State state, long at) {
    Target target = state.targets.get(event.getSubjectId());
    boolean wasTargeted = target != null;
    if (wasTargeted) {
      target.reported = true;
    }
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(successScore + (wasTargeted ? 10 : 0))
        .confidence(wasTargeted ? 0.9 : 0.75)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Successful sign-in from %s, an address spraying passwords against %d accounts"
                    + " since %s%s.",
                event.getIp(),
                state.reportedCount,
                Instant.ofEpochMilli(state.sprayStartMillis),
                wasTargeted ? ", after failing for this account" : ""))
        .evidence("ip", event.getIp())
        .evidence("outcome", "SUCCESS")
        .evidence("accountsTargeted", state.reportedCount)
        .evidence("sprayingSince", Instant.ofEpochMilli(state.sprayStartMillis))
        .evidence("targetedBefore", wasTargeted)
        .sourceEvents(
            wasTargeted ? List.of(target.id, event.getEventId()) : List.of(event.getEventId()))
        .tactic("T1110.003")
        .build();
  }
}
