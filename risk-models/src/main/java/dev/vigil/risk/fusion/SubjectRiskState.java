package dev.vigil.risk.fusion;

import dev.vigil.schema.Criticality;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the scoring stage keeps per subject: active findings, the level last announced, the
 * sessions it may revoke and its decision memory (for cooldown and restore). Bounded in size.
 */
public final class SubjectRiskState {
  /** Subject id. */
  public String subjectId;

  /** Subject kind. */
  public SubjectType subjectType = SubjectType.UNKNOWN;

  /** Criticality from reference data, as last applied to the score. */
  public Criticality criticality = Criticality.MEDIUM;

  /** Active findings, capped. */
  public List<ActiveFinding> findings = new ArrayList<>();

  /** Score last computed. */
  public double score;

  /** Level last announced (with hysteresis). */
  public RiskLevel level = RiskLevel.NONE;

  /**
   * When the score was last computed (epoch millis): the subject's clock, on event time, moved by
   * the wall clock only when nothing arrives.
   */
  public long updatedAtMillis;

  /** Score last published to the scores topic. */
  public double publishedScore;

  /** Open sessions: id to expiry (epoch millis), capped. */
  public Map<String, Long> sessions = new LinkedHashMap<>();

  /**
   * When each open session was signed into (epoch millis, the sign-in's event time), so a
   * revocation covers exactly the sessions opened no later than it, whichever was processed first.
   * A session without an entry (state written before this was kept) counts as opened before.
   */
  public Map<String, Long> sessionsOpenedAt = new LinkedHashMap<>();

  /**
   * Sessions already revoked: id to when (epoch millis), capped at {@link #MAX_ENDED_SESSIONS}, so
   * a sign-in delivered again (resent, replayed) neither reopens nor re-revokes its session.
   */
  public Map<String, Long> endedSessions = new LinkedHashMap<>();

  /** How many revoked session ids are remembered. */
  public static final int MAX_ENDED_SESSIONS = 32;

  /** Remembers sessions as revoked at {@code at}, forgetting the oldest beyond the cap. */
  public void endSessions(java.util.Collection<String> ids, long at) {
    for (String id : ids) {
      endedSessions.remove(id);
      endedSessions.put(id, at);
    }
    var it = endedSessions.entrySet().iterator();
    while (endedSessions.size() > MAX_ENDED_SESSIONS && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /** The last decided action (enforced or audited), or null. */
  public EnforcementAction lastAction;

  /** Rule that decided it. */
  public String lastRuleId;

  /** When it was decided (epoch millis). */
  public long lastActionAtMillis;

  /** Command id of the last restrictive decision, for idempotent restore ids. */
  public String lastCommandId;

  /**
   * The last {@value #MAX_LEVEL_CHANGES} level changes published, in event-time order, so a finding
   * scored late can tell whether the level it would have caused was reached anyway.
   */
  public List<LevelChange> levelChanges = new ArrayList<>();

  /** How many level changes are remembered. */
  public static final int MAX_LEVEL_CHANGES = 8;

  /** A published level change: when (epoch millis, event time), from and to which level. */
  public record LevelChange(long atMillis, RiskLevel from, RiskLevel to) {}

  /** Remembers a published level change, forgetting the oldest beyond the cap. */
  public void levelChanged(long atMillis, RiskLevel from, RiskLevel to) {
    int i = levelChanges.size();
    while (i > 0 && levelChanges.get(i - 1).atMillis() > atMillis) {
      i--;
    }
    levelChanges.add(i, new LevelChange(atMillis, from, to));
    if (levelChanges.size() > MAX_LEVEL_CHANGES) {
      levelChanges.remove(0);
    }
  }

  /**
   * The highest level the subject was published at from {@code millis} on, as far as the remembered
   * changes tell (before the oldest of them, its from-level).
   */
  public RiskLevel highestSince(long millis) {
    RiskLevel highest = levelChanges.isEmpty() ? level : levelChanges.get(0).from();
    for (LevelChange c : levelChanges) {
      if (c.atMillis() <= millis) {
        highest = c.to();
      } else if (c.to().compareTo(highest) > 0) {
        highest = c.to();
      }
    }
    return highest;
  }
}
