package dev.vigil.app.http;

import dev.vigil.risk.fusion.SubjectRiskState;

/** Looks up a subject's current risk, wherever it is hosted. */
@FunctionalInterface
public interface RiskQuery {

  /** The answer for one subject. */
  sealed interface Answer {}

  /**
   * This instance hosts the subject.
   *
   * @param state the subject's risk state
   */
  record Local(SubjectRiskState state) implements Answer {}

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
}
