package dev.vigil.app.http;

import dev.vigil.risk.fusion.SubjectRiskState;

/** Looks up a subject's current risk, wherever it is hosted. */
@FunctionalInterface
public interface RiskQuery {

  /** The answer for one subject. */
  sealed interface Answer {}

  /**
   * This instance has the subject's state.
   *
   * @param state the subject's risk state
   * @param stale true when read from a standby replica or while Kafka Streams rebalances or
   *     restores, so it may lag the active copy
   */
  record Local(SubjectRiskState state, boolean stale) implements Answer {

    /** An up-to-date answer from the active copy. */
    public Local(SubjectRiskState state) {
      this(state, false);
    }
  }

  /**
   * Another instance hosts the subject.
   *
   * @param host its {@code application.server}, {@code host:port}
   */
  record Remote(String host) implements Answer {}

  /** No instance knows the subject. */
  record Unknown() implements Answer {}

  /**
   * The store cannot be queried right now (starting, rebalancing).
   *
   * @param reason one sentence
   */
  record Unavailable(String reason) implements Answer {}

  /** Looks a subject up. */
  Answer find(String subjectId);

  /**
   * Looks a subject up in whatever copy this instance holds (active, standby or restoring), for
   * when the owner cannot be asked. Never {@link Remote}.
   */
  default Answer findLocalCopy(String subjectId) {
    return new Unavailable("No local copy of subject '" + subjectId + "' can be read here.");
  }
}
