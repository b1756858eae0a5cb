package dev.vigil.risk.detect.login;

import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.Hosts;
import dev.vigil.schema.FindingRole;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Kerberos TGT requests an attacker makes, keyed by the account whose TGT was issued: a TGT issued
 * without pre-authentication (AS-REP roasting, MITRE T1558.004; pre-authentication type {@code 0}
 * in the attribute {@code preAuthType}), and, as {@code login.kerberos-rc4-downgrade}, an
 * RC4-encrypted TGT for an account whose recent TGTs were AES (over-pass-the-hash with an NT hash,
 * T1550.002). The account gets a finding (TARGET when roasted, ACTOR when its hash is being used)
 * and the requesting host or address an ACTOR finding (subject type DEVICE). Each (account, source)
 * is reported once per {@code repeat-interval}. An AES reply without pre-authentication scores 15
 * less than an RC4 one: accounts configured without pre-authentication get such replies in normal
 * use, roasting tools ask for RC4.
 */
public final class AsRepRoastingDetector
    implements Detector<LoginEvent, AsRepRoastingDetector.State> {

  /** Detector id (TGT without pre-authentication). */
  public static final String ID = "login.asrep-roasting";

  /** Finding id of an RC4 TGT for an account that uses AES. */
  public static final String DOWNGRADE_ID = "login.kerberos-rc4-downgrade";

  private static final int REPORTED = 8;

  private final int minAesTickets;
  private final long repeat;
  private final double roastScore;
  private final double downgradeScore;
  private final double sourceScore;
  private final Duration halfLife;

  /**
   * Reads {@code min-aes-tickets} (3 AES TGTs before an RC4 one counts as a downgrade), {@code
   * repeat-interval} (24h), {@code roast-score} (45), {@code downgrade-score} (60), {@code
   * source-score} (65), {@code half-life} (24h).
   */
  public AsRepRoastingDetector(DetectorSettings settings) {
    this.minAesTickets = settings.getInt(ID + ".min-aes-tickets", 3);
    this.repeat = settings.getDuration(ID + ".repeat-interval", Duration.ofHours(24)).toMillis();
    this.roastScore = settings.getDouble(ID + ".roast-score", 45);
    this.downgradeScore = settings.getDouble(ID + ".downgrade-score", 60);
    this.sourceScore = settings.getDouble(ID + ".source-score", 65);
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(24));
  }

  /** Recent TGT encryption of one account, and the last reports. */
  public static final class State {
    int aesTickets;
    int rc4Tickets;
    List<String> reported = new ArrayList<>();
    List<Long> reportedAt = new ArrayList<>();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public Set<String> findingIds() {
    return Set.of(ID, DOWNGRADE_ID);
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
  public boolean reads(LoginEvent event, DetectionContext context) {
    return event.getKind() == LoginKind.TGT_REQUEST
        && event.getOutcome() == LoginOutcome.SUCCESS
        && !Hosts.machineOrBuiltIn(event.getSubjectId());
  }

  @Override
  public List<RiskFinding> observe(LoginEvent event, State state, DetectionContext context) {
    if (event.getKind() != LoginKind.TGT_REQUEST
        || event.getOutcome() != LoginOutcome.SUCCESS
        || Hosts.machineOrBuiltIn(event.getSubjectId())) {
      return List.of();
    }
    long at = LoginSignals.millis(event);
    String source = Hosts.source(event);
    String preAuth =
        event.getAttributes() == null ? null : event.getAttributes().get("preAuthType");
    boolean rc4 = KerberoastingDetector.rc4(event.getTicketEncryption());
    boolean aes =
        event.getTicketEncryption() != null
            && (event.getTicketEncryption().toUpperCase(Locale.ROOT).startsWith("AES")
                || event.getTicketEncryption().equalsIgnoreCase("0x11")
                || event.getTicketEncryption().equalsIgnoreCase("0x12"));
    List<RiskFinding> out = new ArrayList<>();
    if (preAuth != null && preAuth.trim().equals("0")) {
      if (report(state, "roast|" + source, at)) {
        out.add(
            account(event, ID, FindingRole.TARGET, rc4 ? roastScore : roastScore - 15, source, rc4)
                .summary(
                    String.format(
                        Locale.ROOT,
                        "TGT issued without Kerberos pre-authentication%s%s: AS-REP roasting, the"
                            + " reply can be cracked offline; require pre-authentication and rotate"
                            + " the password.",
                        rc4 ? " (RC4-encrypted)" : "",
                        source == null ? "" : " to " + source))
                .build());
        if (source != null) {
          out.add(
              source(event, ID, source, "requested a TGT without pre-authentication for", at)
                  .tactic("T1558.004")
                  .build());
        }
      }
    } else if (rc4 && state.aesTickets >= minAesTickets && state.rc4Tickets == 0) {
      if (report(state, "rc4|" + source, at)) {
        out.add(
            account(event, DOWNGRADE_ID, FindingRole.ACTOR, downgradeScore, source, true)
                .summary(
                    String.format(
                        Locale.ROOT,
                        "RC4-encrypted TGT%s after %d AES TGTs for this account: its NT hash is"
                            + " likely being used (over-pass-the-hash).",
                        source == null ? "" : " requested from " + source,
                        state.aesTickets))
                .tactic("T1550.002")
                .build());
        if (source != null) {
          out.add(
              source(event, DOWNGRADE_ID, source, "requested an RC4 TGT (usually AES) for", at)
                  .tactic("T1550.002")
                  .build());
        }
      }
    }
    if (aes) {
      state.aesTickets = Math.min(1000, state.aesTickets + 1);
      state.rc4Tickets = 0;
    } else if (rc4) {
      state.rc4Tickets = Math.min(1000, state.rc4Tickets + 1);
    }
    return out;
  }

  private boolean report(State state, String key, long at) {
    int i = state.reported.indexOf(key);
    if (i >= 0 && Math.abs(at - state.reportedAt.get(i)) < repeat) {
      return false;
    }
    if (i >= 0) {
      state.reported.remove(i);
      state.reportedAt.remove(i);
    }
    state.reported.add(key);
    state.reportedAt.add(at);
    while (state.reported.size() > REPORTED) {
      state.reported.remove(0);
      state.reportedAt.remove(0);
    }
    return true;
  }

  private Findings account(
      LoginEvent event, String id, FindingRole role, double score, String source, boolean rc4) {
    return Findings.finding(id, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .role(role)
        .related(source)
        .score(score)
        .confidence(0.8)
        .halfLife(halfLife)
        .evidence("source", source)
        .evidence("ticketEncryption", event.getTicketEncryption())
        .evidence("preAuthType", event.getAttributes().get("preAuthType"))
        .evidence("domainController", event.getTargetHost())
        .evidence("rc4", rc4)
        .sourceEvents(event.getEventId())
        .tactic("T1558.004");
  }

  private Findings source(LoginEvent event, String id, String source, String what, long at) {
    return Findings.finding(id, source, SubjectType.DEVICE, Instant.ofEpochMilli(at))
        .role(FindingRole.ACTOR)
        .related(event.getSubjectId())
        .score(sourceScore)
        .confidence(0.75)
        .halfLife(halfLife)
        .summary("This host " + what + " " + event.getSubjectId() + ".")
        .evidence("account", event.getSubjectId())
        .evidence("ticketEncryption", event.getTicketEncryption())
        .sourceEvents(event.getEventId());
  }
}
