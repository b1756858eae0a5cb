package dev.vigil.app.topology;

import dev.vigil.risk.detect.KeyScope;
import java.util.Locale;

/** Names of every state store; they become changelog topic names, so they never change lightly. */
public final class StoreNames {

  /** Per-subject risk state: active findings, level, sessions, decision memory. */
  public static final String SUBJECT_RISK = "subject-risk";

  /**
   * Due index of {@link #SUBJECT_RISK}: subjects with active risk by the instant the decay timer
   * next has to move them, so the timer reads only those (see {@code SubjectRiskStore}).
   */
  public static final String SUBJECT_RISK_DUE = "subject-risk-due";

  /** Live JIT grants by id and by expiry. */
  public static final String GRANTS = "grants";

  /** Subject profiles (criticality), a global store. */
  public static final String SUBJECTS = "subjects";

  /** Threat-intelligence indicators (global). */
  public static final String THREAT_INTEL = "threat-intel";

  /** Allowed service edges (global). */
  public static final String SERVICE_EDGES = "service-edges";

  /** Known network ranges: office and corporate-VPN egress, relays, anonymizers (global). */
  public static final String NETWORKS = "networks";

  /** Decision policies (global). */
  public static final String POLICY = "policy";

  private StoreNames() {}

  /** The baseline store of a signal family and key scope, e.g. {@code login-subject-baselines}. */
  public static String baselines(String family, KeyScope scope) {
    return family + "-" + scope.name().toLowerCase(Locale.ROOT).replace('_', '-') + "-baselines";
  }
}
