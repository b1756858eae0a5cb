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
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Records each subject's open sessions from successful sign-ins, in the same store the scoring
 * stage uses, so a {@code REVOKE_SESSIONS} command can name them. Expired sessions are dropped and
 * at most {@link #MAX_SESSIONS} are kept, newest first out last.
 */
final class SessionTracker implements Processor<String, LoginEvent, Void, Void> {

  static final int MAX_SESSIONS = 16;
  private static final Duration DEFAULT_SESSION_LIFETIME = Duration.ofHours(8);

  private KeyValueStore<String, SubjectRiskState> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(StoreNames.SUBJECT_RISK);
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
    SubjectRiskState state = store.get(record.key());
    if (state == null) {
      state = new SubjectRiskState();
      state.subjectId = record.key();
    }
    state.subjectType = login.getSubjectType();
    long now = login.getTimestamp().toEpochMilli();
    long expires =
        login.getSessionExpiresAt() != null
            ? login.getSessionExpiresAt().toEpochMilli()
            : now + DEFAULT_SESSION_LIFETIME.toMillis();
    state.sessions.remove(login.getSessionId());
    state.sessions.put(login.getSessionId(), expires);
    state.sessions.values().removeIf(exp -> exp <= now);
    Iterator<Map.Entry<String, Long>> it = state.sessions.entrySet().iterator();
    while (state.sessions.size() > MAX_SESSIONS && it.hasNext()) {
      it.next();
      it.remove();
    }
    store.put(record.key(), state);
  }
}
