package dev.vigil.risk.detect.access;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.vigil.risk.detect.DetectionContext;
import dev.vigil.risk.detect.Detector;
import dev.vigil.risk.detect.DetectorSettings;
import dev.vigil.risk.detect.Findings;
import dev.vigil.risk.detect.baseline.RecencySet;
import dev.vigil.schema.AccessEvent;
import dev.vigil.schema.Geo;
import dev.vigil.schema.LoginEvent;
import dev.vigil.schema.LoginOutcome;
import dev.vigil.schema.RiskFinding;
import dev.vigil.schema.Sensitivity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Sensitive access from a device the subject never signed in with (Entra ID Protection "unfamiliar
 * sign-in properties", Okta ITP "new device" applied at resource access), and session hijacking
 * (Entra "anomalous token", Okta ITP "session hijacking", Defender for Cloud Apps "activity from
 * suspicious session"): an access whose session id belongs to a sign-in made from another device,
 * or from another country or autonomous system, reported as {@value #HIJACK_ID}.
 *
 * <p>Successful sign-ins teach the subject's devices (capped set, least recently used evicted) and
 * its sessions (capped, newest kept). Country and ASN of an access are read from the access's
 * {@code country} and {@code asn} attributes when the enforcement point supplies them; an IP change
 * alone is not reported (mobile networks and NAT change addresses within a session).
 */
public final class SensitiveFromRiskyDeviceDetector
    implements Detector<AccessSignal, SensitiveFromRiskyDeviceDetector.State> {

  /** Detector id. */
  public static final String ID = "access.sensitive-from-risky-device";

  /** Id of the findings for an access that reuses another device's or place's session. */
  public static final String HIJACK_ID = "access.session-hijack";

  private static final int FLAGGED_DEVICES = 4;

  private final int deviceCapacity;
  private final int sessionCapacity;
  private final int learningMinLogins;
  private final long repeatMillis;
  private final Duration halfLife;
  private final Duration hijackHalfLife;

  /**
   * Reads {@code device-capacity} (16), {@code session-capacity} (6), {@code learning-min-logins}
   * (3 successful sign-ins with a device id), {@code repeat-interval} (24h: how long an unknown
   * device is not reported again), {@code half-life} (12h), {@code hijack-half-life} (24h).
   */
  public SensitiveFromRiskyDeviceDetector(DetectorSettings settings) {
    this.deviceCapacity = settings.getInt(ID + ".device-capacity", 16);
    this.sessionCapacity = settings.getInt(ID + ".session-capacity", 6);
    this.learningMinLogins = settings.getInt(ID + ".learning-min-logins", 3);
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(24)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.hijackHalfLife = settings.getDuration(ID + ".hijack-half-life", Duration.ofHours(24));
  }

  /**
   * A session created by a successful sign-in. Encoded as a positional array to stay small: new
   * fields go at the end of the order.
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({"sessionId", "deviceId", "ip", "country", "asn", "at", "eventId", "reported"})
  public static final class Session {
    String sessionId;
    String deviceId;
    String ip;
    String country;
    Long asn;
    long at;
    String eventId;
    Boolean reported;
  }

  /** Devices and sessions learned from sign-ins, and unknown devices already reported. */
  public static final class State {
    int loginsWithDevice;
    RecencySet devices = new RecencySet();
    List<Session> sessions = new ArrayList<>();
    RecencySet flagged = new RecencySet();
  }

  @Override
  public String id() {
    return ID;
  }

  @Override
  public java.util.Set<String> findingIds() {
    return java.util.Set.of(ID, HIJACK_ID);
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
  public List<RiskFinding> observe(AccessSignal signal, State state, DetectionContext context) {
    if (signal.login() != null) {
      learn(signal.login(), state);
      return List.of();
    }
    AccessEvent event = signal.access();
    if (event == null) {
      return List.of();
    }
    Session session = session(state, event.getSessionId());
    if (session != null && session.reported == null) {
      String mismatch = mismatch(session, event);
      if (mismatch != null) {
        session.reported = true;
        return List.of(hijack(event, session, mismatch));
      }
    }
    String device = event.getDeviceId();
    if (device == null
        || !sensitive(event.getSensitivity())
        || state.loginsWithDevice < learningMinLogins
        || state.devices.contains(RecencySet.fingerprint(device))) {
      return List.of();
    }
    int key = RecencySet.fingerprint(device);
    int minute = RecencySet.minute(event.getTimestamp().toEpochMilli());
    int previous = state.flagged.lastSeen(key);
    if (previous != Integer.MIN_VALUE && (long) (minute - previous) * 60_000L < repeatMillis) {
      return List.of();
    }
    state.flagged.touch(key, minute, FLAGGED_DEVICES);
    return List.of(unknownDevice(event, state));
  }

  private void learn(LoginEvent login, State state) {
    if (login.getOutcome() != LoginOutcome.SUCCESS) {
      return;
    }
    long at = login.getTimestamp().toEpochMilli();
    if (login.getDeviceId() != null) {
      state.loginsWithDevice++;
      state.devices.touch(
          RecencySet.fingerprint(login.getDeviceId()), RecencySet.minute(at), deviceCapacity);
    }
    if (login.getSessionId() == null || session(state, login.getSessionId()) != null) {
      return;
    }
    Session s = new Session();
    s.sessionId = login.getSessionId();
    s.deviceId = login.getDeviceId();
    s.ip = login.getIp();
    Geo geo = login.getGeo();
    if (geo != null) {
      s.country = geo.getCountry();
      s.asn = geo.getAsn();
    }
    s.at = at;
    s.eventId = login.getEventId();
    state.sessions.add(s);
    state.sessions.sort((a, b) -> Long.compare(a.at, b.at));
    while (state.sessions.size() > Math.max(sessionCapacity, 1)) {
      state.sessions.remove(0);
    }
  }

  private static Session session(State state, String sessionId) {
    if (sessionId == null) {
      return null;
    }
    for (Session s : state.sessions) {
      if (s.sessionId.equals(sessionId)) {
        return s;
      }
    }
    return null;
  }

  /** What differs between the session's sign-in and this access, or null when nothing does. */
  private static String mismatch(Session session, AccessEvent event) {
    if (session.deviceId != null
        && event.getDeviceId() != null
        && !session.deviceId.equals(event.getDeviceId())) {
      return "device";
    }
    String country = event.getAttributes().get("country");
    if (session.country != null && country != null && !session.country.equalsIgnoreCase(country)) {
      return "country";
    }
    Long asn = parseAsn(event.getAttributes().get("asn"));
    if (session.asn != null && asn != null && !Objects.equals(session.asn, asn)) {
      return "asn";
    }
    return null;
  }

  private RiskFinding hijack(AccessEvent event, Session session, String mismatch) {
    String seen =
        switch (mismatch) {
          case "device" -> "device " + event.getDeviceId();
          case "country" -> "country " + event.getAttributes().get("country");
          default -> "network AS" + event.getAttributes().get("asn");
        };
    String signedIn =
        switch (mismatch) {
          case "device" -> "device " + session.deviceId;
          case "country" -> "country " + session.country;
          default -> "network AS" + session.asn;
        };
    double score = mismatch.equals("device") ? 80 : mismatch.equals("country") ? 75 : 60;
    if (sensitive(event.getSensitivity())) {
      score += 10;
    }
    return Findings.finding(
            HIJACK_ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(score)
        .confidence(mismatch.equals("asn") ? 0.6 : 0.85)
        .halfLife(hijackHalfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Used session %s from %s, but the session was signed in from %s.",
                event.getSessionId(),
                seen,
                signedIn))
        .evidence("sessionId", event.getSessionId())
        .evidence("mismatch", mismatch)
        .evidence("sessionDevice", session.deviceId)
        .evidence("sessionIp", session.ip)
        .evidence("sessionCountry", session.country)
        .evidence("sessionAsn", session.asn)
        .evidence("sessionStart", Instant.ofEpochMilli(session.at))
        .evidence("device", event.getDeviceId())
        .evidence("ip", event.getIp())
        .evidence("resource", event.getResource())
        .sourceEvents(session.eventId, event.getEventId())
        .tactic(mismatch.equals("device") ? "T1550.004" : "T1539")
        .build();
  }

  private RiskFinding unknownDevice(AccessEvent event, State state) {
    Sensitivity s = event.getSensitivity();
    return Findings.finding(ID, event.getSubjectId(), event.getSubjectType(), event.getTimestamp())
        .score(s == Sensitivity.RESTRICTED ? 55 : 40)
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Accessed %s resource %s from device %s, which it has never signed in with"
                    + " (%d known devices).",
                s.name().toLowerCase(Locale.ROOT),
                event.getResource(),
                event.getDeviceId(),
                state.devices.size()))
        .evidence("device", event.getDeviceId())
        .evidence("resource", event.getResource())
        .evidence("sensitivity", s)
        .evidence("sessionId", event.getSessionId())
        .evidence("knownDevices", state.devices.size())
        .sourceEvents(event.getEventId())
        .tactic("T1078")
        .build();
  }

  private static Long parseAsn(String text) {
    if (text == null) {
      return null;
    }
    String digits = text.regionMatches(true, 0, "AS", 0, 2) ? text.substring(2) : text;
    try {
      return Long.parseLong(digits.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean sensitive(Sensitivity s) {
    return s == Sensitivity.CONFIDENTIAL || s == Sensitivity.RESTRICTED;
  }
}
