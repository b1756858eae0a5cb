package dev.vigil.risk.detect.login;

import dev.vigil.schema.AccessDecision;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.AuthMethod;
import dev.vigil.schema.FailureKind;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginKind;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.SubjectType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * Windows Security records as the ingest mapping produces them (4624, 4625, 4648, 4672, 4768, 4769,
 * 4771, 4776, 5140/5145), built by hand with the fields the Windows datasets carry.
 */
public final class AdFixture {

  private long sequence;

  /** A fresh event id. */
  public String nextId() {
    sequence++;
    return UUID.nameUUIDFromBytes(("ad-" + sequence).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** A login record with subject, time and kind; success unless changed. */
  public LoginEvent.Builder record(String subject, Instant at, LoginKind kind) {
    return LoginEvent.newBuilder()
        .setEventId(nextId())
        .setSubjectId(subject)
        .setSubjectType(SubjectType.HUMAN)
        .setTimestamp(at)
        .setKind(kind)
        .setAuthMethod(AuthMethod.PASSWORD)
        .setOutcome(LoginOutcome.SUCCESS);
  }

  /** 4624: a successful logon to {@code targetHost} of a logon type. */
  public LoginEvent logon(
      String subject, Instant at, String ip, String sourceHost, String targetHost, String type) {
    return record(subject, at, LoginKind.LOGON)
        .setIp(ip)
        .setSourceHost(sourceHost)
        .setTargetHost(targetHost)
        .setLogonType(type)
        .setAuthProtocol("KERBEROS")
        .build();
  }

  /** 4625: a failed network logon with the failure kind. */
  public LoginEvent failedLogon(
      String subject, Instant at, String ip, String sourceHost, FailureKind why) {
    return record(subject, at, LoginKind.LOGON)
        .setIp(ip)
        .setSourceHost(sourceHost)
        .setTargetHost("DC01")
        .setLogonType("NETWORK")
        .setAuthProtocol("NTLM")
        .setOutcome(LoginOutcome.FAILURE)
        .setFailureKind(why)
        .build();
  }

  /** 4771 (or 4768 with an error): a Kerberos pre-authentication failure. */
  public LoginEvent preauthFailure(String subject, Instant at, String ip, FailureKind why) {
    return record(
            subject,
            at,
            why == FailureKind.UNKNOWN_USER ? LoginKind.TGT_REQUEST : LoginKind.PREAUTH)
        .setIp(ip)
        .setTargetHost("MORDORDC")
        .setAuthProtocol("KERBEROS")
        .setOutcome(LoginOutcome.FAILURE)
        .setFailureKind(why)
        .build();
  }

  /** 4776: an NTLM credential validation from a workstation (no IP in the record). */
  public LoginEvent ntlmValidation(
      String subject, Instant at, String workstation, boolean ok, FailureKind why) {
    return record(subject, at, LoginKind.CREDENTIAL_VALIDATION)
        .setIp(null)
        .setSourceHost(workstation)
        .setTargetHost("DC01")
        .setAuthProtocol("NTLM")
        .setOutcome(ok ? LoginOutcome.SUCCESS : LoginOutcome.FAILURE)
        .setFailureKind(ok ? null : why)
        .build();
  }

  /** 4768: a TGT issued, with encryption and pre-authentication type. */
  public LoginEvent tgt(String subject, Instant at, String ip, String encryption, String preAuth) {
    return record(subject, at, LoginKind.TGT_REQUEST)
        .setIp(ip)
        .setTargetHost("MORDORDC")
        .setAuthProtocol("KERBEROS")
        .setTicketEncryption(encryption)
        .setServiceName("krbtgt")
        .setAttributes(preAuth == null ? Map.of() : Map.of("preAuthType", preAuth))
        .build();
  }

  /** 4769: a service ticket for a service account. */
  public LoginEvent serviceTicket(
      String subject, Instant at, String ip, String service, String encryption) {
    return record(subject, at, LoginKind.SERVICE_TICKET)
        .setIp(ip)
        .setTargetHost("MORDORDC")
        .setAuthProtocol("KERBEROS")
        .setTicketEncryption(encryption)
        .setServiceName(service)
        .build();
  }

  /** 4648: a logon with explicit credentials of {@code subject} by {@code actor} on a host. */
  public LoginEvent explicit(
      String subject, String actor, Instant at, String sourceHost, String targetHost) {
    return record(subject, at, LoginKind.EXPLICIT_CREDENTIALS)
        .setActorId(actor)
        .setSourceHost(sourceHost)
        .setTargetHost(targetHost)
        .build();
  }

  /** 4672: special privileges assigned to a logon on a host. */
  public LoginEvent privileged(String subject, Instant at, String host) {
    return record(subject, at, LoginKind.PRIVILEGED_LOGON).setTargetHost(host).build();
  }

  /** 5140: a share accessed by an account from a source host. */
  public AccessEvent share(
      String subject, Instant at, String sourceHost, String host, String name) {
    return AccessEvent.newBuilder()
        .setEventId(nextId())
        .setTimestamp(at)
        .setSubjectId(subject)
        .setResource("\\\\" + host + "\\" + name)
        .setAction("read")
        .setDecision(AccessDecision.ALLOWED)
        .setTargetHost(host)
        .setSourceHost(sourceHost)
        .setAttributes(Map.of("share", "\\\\*\\" + name))
        .build();
  }

  /** The identity of a finding for comparing finding sets: detector, subject, finding id. */
  public static String identity(RiskFinding f) {
    return f.getDetectorId() + "|" + f.getSubjectId() + "|" + f.getFindingId();
  }
}
