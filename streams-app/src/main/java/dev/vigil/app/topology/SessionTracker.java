package dev.vigil.app.topology;

import dev.vigil.risk.fusion.SubjectRiskState;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Records each subject's open sessions from successful sign-ins, in the same store the scoring
 * stage uses, so a {@code REVOKE_SESSIONS} command can name them. While the subject sits at a level
 * whose rule revokes sessions, a new session is revoked as it appears (one command per session,
 * with an id derived from it) and is not kept as open. Expired sessions are dropped and at most
 * {@link #MAX_SESSIONS} are kept, oldest out first.
 *
 * <p>Order independence: a sign-in reaches this stage straight from the login topic, while the
 * findings it raised come back through the findings topic a commit later (after a crash or a broker
 * restart, possibly after later sign-ins). So a sign-in only reads the subject's risk at its own
 * time ({@link SubjectScorer#peek}) and never moves the subject's clock, and each open session
 * keeps its sign-in time: a revocation covers the sessions open when it is decided that were opened
 * no later than it, and any other session gets its own command while the subject stays at a
 * revoking level. Every session is revoked in either order; which command carries it can differ.
 */
final class SessionTracker implements Processor<String, LoginEvent, String, ScoringOutput> {

  static final int MAX_SESSIONS = 16;
  private static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(8);

  private final SubjectScorer scorer;
  private ProcessorContext<String, ScoringOutput> context;
  private SubjectRiskStore store;

  SessionTracker(SubjectScorer scorer) {
    this.scorer = scorer;
  }

  @Override
  public void init(ProcessorContext<String, ScoringOutput> context) {
    this.context = context;
    store = new SubjectRiskStore(context, scorer);
  }

  @Override
  public void process(Record<String, LoginEvent> record) {
    LoginEvent login = record.value();
    if (record.key() == null
        || login == null
        || login.getOutcome() != LoginOutcome.SUCCESS
        || login.getSessionId() == null) {
      return;
    }
    SubjectRiskStore.Loaded loaded = store.load(record.key());
    SubjectRiskState state = loaded.state();
    if (state.endedSessions.containsKey(login.getSessionId())) {
      return; // Revoked already: a sign-in delivered again must not reopen or re-revoke it.
    }
    state.subjectType = login.getSubjectType();
    long now = login.getTimestamp().toEpochMilli();
    long wall = context.currentSystemTimeMs();
    // The level the session opens under is the subject's risk at the sign-in's own time. The
    // sign-in only looks: it does not move the subject's clock (findings and the decay timer do),
    // so scores and decisions do not depend on whether this sign-in was processed before or after
    // the findings it raised came back through the findings topic.
    long at = scorer.eventInstant(state, now, wall);
    // A session the subject's revocation could not name (its sign-in is processed only now) is
    // revoked on its own while the subject is at a revoking level, even if it was opened before
    // that revocation: otherwise it would stay open.
    if (scorer.onNewSession(scorer.peek(state, at), login.getSessionId(), at, context::forward)) {
      SubjectScorer.endSessions(state, java.util.List.of(login.getSessionId()), at);
      store.save(record.key(), state, loaded.dueAt());
      return;
    }
    long expires =
        login.getSessionExpiresAt() != null
            ? login.getSessionExpiresAt().toEpochMilli()
            : now + DEFAULT_SESSION_LIFETIME.toMillis();
    state.sessions.remove(login.getSessionId());
    state.sessions.put(login.getSessionId(), expires);
    state.sessionsOpenedAt.put(login.getSessionId(), scorer.clamp(now, wall));
    state.sessions.values().removeIf(exp -> exp <= now);
    Iterator<Map.Entry<String, Long>> it = state.sessions.entrySet().iterator();
    while (state.sessions.size() > MAX_SESSIONS && it.hasNext()) {
      it.next();
      it.remove();
    }
    state.sessionsOpenedAt.keySet().retainAll(state.sessions.keySet());
    store.save(record.key(), state, loaded.dueAt());
  }
}
