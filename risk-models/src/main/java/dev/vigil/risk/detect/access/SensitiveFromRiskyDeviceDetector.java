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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

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
 *
 * <p>Order independence: an access and the sign-in that created its session come from different
 * topics and may be processed in either order (after a restart, one topic catches up first). An
 * access whose session is not known yet is kept and judged when that sign-in arrives, so the hijack
 * is reported, at the access's time, either way; so is its device, which that sign-in may introduce
 * (an access waiting in vain is judged for its device when the wait ends). A subject's sign-ins
 * come from one partition in order, so the wait ends once a sign-in stamped {@code
 * allowed-lateness} after the access has been seen; whatever the sign-ins' lag, at most {@value
 * #PENDING_ACCESSES} accesses wait, for at most {@link #MAX_WAIT} of the subject's access time.
 */
public final class SensitiveFromRiskyDeviceDetector
    implements Detector<AccessSignal, SensitiveFromRiskyDeviceDetector.State> {

  /** Detector id. */
  public static final String ID = "access.sensitive-from-risky-device";

  /** Id of the findings for an access that reuses another device's or place's session. */
  public static final String HIJACK_ID = "access.session-hijack";

  private static final int FLAGGED_DEVICES = 4;
  private static final int PENDING_ACCESSES = 8;

  /** How far the subject's accesses may run ahead of an access still waiting for its sign-in. */
  static final Duration MAX_WAIT = Duration.ofHours(1);

  private final int deviceCapacity;
  private final int sessionCapacity;
  private final int learningMinLogins;
  private final long repeatMillis;
  private final Duration halfLife;
  private final Duration hijackHalfLife;
  private final long latenessMillis;

  /**
   * Reads {@code device-capacity} (16), {@code session-capacity} (6), {@code learning-min-logins}
   * (3 successful sign-ins with a device id), {@code repeat-interval} (24h: how long an unknown
   * device is not reported again), {@code half-life} (12h), {@code hijack-half-life} (24h), {@code
   * allowed-lateness} (5m: how far the subject's sign-ins move past an access still waiting for the
   * sign-in of its session before it stops waiting).
   */
  public SensitiveFromRiskyDeviceDetector(DetectorSettings settings) {
    this.deviceCapacity = settings.getInt(ID + ".device-capacity", 16);
    this.sessionCapacity = settings.getInt(ID + ".session-capacity", 6);
    this.learningMinLogins = settings.getInt(ID + ".learning-min-logins", 3);
    this.repeatMillis =
        settings.getDuration(ID + ".repeat-interval", Duration.ofHours(24)).toMillis();
    this.halfLife = settings.getDuration(ID + ".half-life", Duration.ofHours(12));
    this.hijackHalfLife = settings.getDuration(ID + ".hijack-half-life", Duration.ofHours(24));
    this.latenessMillis =
        settings.getDuration(ID + ".allowed-lateness", Duration.ofMinutes(5)).toMillis();
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

  /**
   * An access whose session was not known when it was processed, kept until its sign-in arrives or
   * the allowed lateness passes. Positional, as {@link Session}.
   */
  @JsonFormat(shape = JsonFormat.Shape.ARRAY)
  @JsonPropertyOrder({
    "sessionId",
    "deviceId",
    "ip",
    "country",
    "asn",
    "at",
    "eventId",
    "resource",
    "sensitive",
    "restricted"
  })
  public static final class PendingAccess {
    String sessionId;
    String deviceId;
    String ip;
    String country;
    String asn;
    long at;
    String eventId;
    String resource;
    boolean sensitive;
    boolean restricted;
  }

  /**
   * Devices and sessions learned from sign-ins, unknown devices already reported, and accesses
   * waiting for their session's sign-in.
   */
  public static final class State {
    int loginsWithDevice;
    RecencySet devices = new RecencySet();
    List<Session> sessions = new ArrayList<>();
    RecencySet flagged = new RecencySet();
    List<PendingAccess> pending = new ArrayList<>();
    long signedInUpTo = Long.MIN_VALUE;

    /**
     * The earliest successful sign-ins with a device (epoch millis, at most the learning minimum),
     * so the learning gate holds at an access's time whatever was processed first.
     */
    long[] firstLoginsAt = new long[0];

    /**
     * The first minute each device in {@link #devices} was signed in with (its fingerprint in the
     * high 32 bits, the minute in the low 32), so a device is known at an access's time whatever
     * was processed first. A device without an entry was learned before these were kept.
     */
    long[] devicesFirstSeen = new long[0];
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
      state.signedInUpTo =
          Math.max(state.signedInUpTo, signal.login().getTimestamp().toEpochMilli());
      Session learned = learn(signal.login(), state);
      List<RiskFinding> out = new ArrayList<>();
      if (learned != null) {
        judgePending(learned, state, signal, out);
      }
      release(state, Long.MIN_VALUE, signal, out);
      return out;
    }
    AccessEvent event = signal.access();
    if (event == null) {
      return List.of();
    }
    Session session = session(state, event.getSessionId());
    PendingAccess access = pending(event);
    List<RiskFinding> out = new ArrayList<>();
    if (session != null && session.reported == null) {
      String mismatch = mismatch(session, access);
      if (mismatch != null) {
        session.reported = true;
        out.add(hijack(access, signal, session, mismatch));
      }
    }
    // Judged apart from the session: both hold, whichever of the access and the sign-in came first.
    // An access whose sign-in is still to come is judged when it arrives: the sign-in may introduce
    // the device.
    if (session != null || event.getSessionId() == null || !keepPending(state, access)) {
      RiskFinding unknown = unknownDevice(access, state, signal);
      if (unknown != null) {
        out.add(unknown);
      }
    }
    release(state, access.at, signal, out);
    return out;
  }

  /** The finding for a sensitive access from a device never signed in with, or null. */
  private RiskFinding unknownDevice(PendingAccess access, State state, AccessSignal signal) {
    String device = access.deviceId;
    if (device == null
        || !access.sensitive
        || loginsBy(state, access.at) < learningMinLogins
        || knownBy(state, RecencySet.fingerprint(device), RecencySet.minute(access.at))
        || device.equals(sessionDevice(state, access))) {
      return null;
    }
    int key = RecencySet.fingerprint(device);
    int minute = RecencySet.minute(access.at);
    int previous = state.flagged.lastSeen(key);
    if (previous != Integer.MIN_VALUE && (long) (minute - previous) * 60_000L < repeatMillis) {
      return null;
    }
    state.flagged.touch(key, minute, FLAGGED_DEVICES);
    return unknownDeviceFinding(access, state, signal);
  }

  /**
   * How many of the subject's sign-ins with a device came no later than {@code at}, up to the
   * learning minimum. A state written before the sign-in times were kept counts as it did then.
   */
  private int loginsBy(State state, long at) {
    if (state.firstLoginsAt.length < Math.min(state.loginsWithDevice, learningMinLogins)) {
      return state.loginsWithDevice;
    }
    int n = 0;
    for (long t : state.firstLoginsAt) {
      if (t <= at) {
        n++;
      }
    }
    return n;
  }

  /** Whether the device was first signed in with no later than {@code minute}. */
  private static boolean knownBy(State state, int key, int minute) {
    if (!state.devices.contains(key)) {
      return false;
    }
    for (long entry : state.devicesFirstSeen) {
      if ((int) (entry >>> 32) == key) {
        return (int) entry <= minute;
      }
    }
    return true;
  }

  /** The device the access's own session signed in with, or null when that is not known. */
  private static String sessionDevice(State state, PendingAccess access) {
    Session session = access.sessionId == null ? null : session(state, access.sessionId);
    return session == null ? null : session.deviceId;
  }

  /** Keeps the earliest minute each device still in {@link State#devices} was signed in with. */
  private static void rememberDeviceFirstSeen(State state, int key, int minute) {
    long[] kept = state.devicesFirstSeen;
    for (int i = 0; i < kept.length; i++) {
      if ((int) (kept[i] >>> 32) == key) {
        if (minute < (int) kept[i]) {
          kept[i] = deviceEntry(key, minute);
        }
        return;
      }
    }
    long[] grown = Arrays.copyOf(kept, kept.length + 1);
    grown[kept.length] = deviceEntry(key, minute);
    // Devices evicted from the set are dropped here too, so this stays within its capacity.
    state.devicesFirstSeen =
        Arrays.stream(grown).filter(e -> state.devices.contains((int) (e >>> 32))).toArray();
  }

  private static long deviceEntry(int key, int minute) {
    return ((long) key << 32) | (minute & 0xffffffffL);
  }

  /** Keeps the earliest {@code learningMinLogins} sign-in times. */
  private void rememberFirstLogin(State state, long at) {
    long[] kept = state.firstLoginsAt;
    if (kept.length >= learningMinLogins && at >= kept[kept.length - 1]) {
      return; // The usual case once learned: a later sign-in than every one kept (kept sorted).
    }
    long[] times = Arrays.copyOf(kept, kept.length + 1);
    times[times.length - 1] = at;
    Arrays.sort(times);
    state.firstLoginsAt = Arrays.copyOf(times, Math.min(times.length, learningMinLogins));
  }

  /** Learns from a sign-in; returns the session it created, or null. */
  private Session learn(LoginEvent login, State state) {
    if (login.getOutcome() != LoginOutcome.SUCCESS) {
      return null;
    }
    long at = login.getTimestamp().toEpochMilli();
    if (login.getDeviceId() != null) {
      state.loginsWithDevice++;
      rememberFirstLogin(state, at);
      int key = RecencySet.fingerprint(login.getDeviceId());
      state.devices.touch(key, RecencySet.minute(at), deviceCapacity);
      rememberDeviceFirstSeen(state, key, RecencySet.minute(at));
    }
    if (login.getSessionId() == null || session(state, login.getSessionId()) != null) {
      return null;
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
    return state.sessions.contains(s) ? s : null;
  }

  /**
   * Judges the accesses that arrived before the sign-in of their session, earliest first: the
   * session's hijack, and (the sign-in's device now known) an unknown device.
   */
  private void judgePending(
      Session session, State state, AccessSignal signal, List<RiskFinding> out) {
    for (var it = state.pending.iterator(); it.hasNext(); ) {
      PendingAccess access = it.next();
      if (!access.sessionId.equals(session.sessionId)) {
        continue;
      }
      it.remove();
      String mismatch = session.reported == null ? mismatch(session, access) : null;
      if (mismatch != null) {
        session.reported = true;
        out.add(hijack(access, signal, session, mismatch));
      }
      RiskFinding unknown = unknownDevice(access, state, signal);
      if (unknown != null) {
        out.add(unknown);
      }
    }
  }

  /**
   * Keeps an access whose session is unknown while its sign-in may still come, within the cap and
   * the maximum wait, in time order.
   *
   * @return whether it waits (or an earlier access of its session, device, place and sensitivity
   *     does, which is judged for it)
   */
  private boolean keepPending(State state, PendingAccess access) {
    if (settled(state, access.at)) {
      return false;
    }
    state.pending.add(access);
    state.pending.sort(
        (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : a.eventId.compareTo(b.eventId));
    // Only the earliest access of a session from one device and place can be the one reported.
    Set<String> seen = new HashSet<>();
    state.pending.removeIf(
        p ->
            !seen.add(
                p.sessionId
                    + '|'
                    + p.deviceId
                    + '|'
                    + p.country
                    + '|'
                    + p.asn
                    + '|'
                    + p.sensitive
                    + p.restricted));
    while (state.pending.size() > PENDING_ACCESSES) {
      state.pending.remove(state.pending.size() - 1);
    }
    return true;
  }

  /**
   * Ends the wait of the accesses whose sign-in would have been seen by now, or that the subject's
   * accesses (up to {@code accessAt}) have run {@link #MAX_WAIT} ahead of: judged for an unknown
   * device as they stand, their session still unknown.
   */
  private void release(State state, long accessAt, AccessSignal signal, List<RiskFinding> out) {
    long newest = accessAt;
    for (PendingAccess p : state.pending) {
      newest = Math.max(newest, p.at);
    }
    long oldest = newest - MAX_WAIT.toMillis();
    for (var it = state.pending.iterator(); it.hasNext(); ) {
      PendingAccess p = it.next();
      if (p.at < oldest || settled(state, p.at)) {
        it.remove();
        RiskFinding unknown = unknownDevice(p, state, signal);
        if (unknown != null) {
          out.add(unknown);
        }
      }
    }
  }

  /**
   * Whether the subject's sign-ins have moved past an access at {@code at} by the allowed lateness:
   * its session's sign-in would have been seen.
   */
  private boolean settled(State state, long at) {
    return state.signedInUpTo != Long.MIN_VALUE && at + latenessMillis <= state.signedInUpTo;
  }

  private static PendingAccess pending(AccessEvent event) {
    PendingAccess p = new PendingAccess();
    p.sessionId = event.getSessionId();
    p.deviceId = event.getDeviceId();
    p.ip = event.getIp();
    p.country = event.getAttributes().get("country");
    p.asn = event.getAttributes().get("asn");
    p.at = event.getTimestamp().toEpochMilli();
    p.eventId = event.getEventId();
    p.resource = event.getResource();
    p.sensitive = sensitive(event.getSensitivity());
    p.restricted = event.getSensitivity() == Sensitivity.RESTRICTED;
    return p;
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
  private static String mismatch(Session session, PendingAccess access) {
    if (session.deviceId != null
        && access.deviceId != null
        && !session.deviceId.equals(access.deviceId)) {
      return "device";
    }
    if (session.country != null
        && access.country != null
        && !session.country.equalsIgnoreCase(access.country)) {
      return "country";
    }
    Long asn = parseAsn(access.asn);
    if (session.asn != null && asn != null && !Objects.equals(session.asn, asn)) {
      return "asn";
    }
    return null;
  }

  private RiskFinding hijack(
      PendingAccess access, AccessSignal signal, Session session, String mismatch) {
    String seen =
        switch (mismatch) {
          case "device" -> "device " + access.deviceId;
          case "country" -> "country " + access.country;
          default -> "network AS" + access.asn;
        };
    String signedIn =
        switch (mismatch) {
          case "device" -> "device " + session.deviceId;
          case "country" -> "country " + session.country;
          default -> "network AS" + session.asn;
        };
    double score = mismatch.equals("device") ? 80 : mismatch.equals("country") ? 75 : 60;
    if (access.sensitive) {
      score += 10;
    }
    return Findings.finding(
            HIJACK_ID, signal.subjectId(), signal.subjectType(), Instant.ofEpochMilli(access.at))
        .score(score)
        .confidence(mismatch.equals("asn") ? 0.6 : 0.85)
        .halfLife(hijackHalfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Used session %s from %s, but the session was signed in from %s.",
                access.sessionId,
                seen,
                signedIn))
        .evidence("sessionId", access.sessionId)
        .evidence("mismatch", mismatch)
        .evidence("sessionDevice", session.deviceId)
        .evidence("sessionIp", session.ip)
        .evidence("sessionCountry", session.country)
        .evidence("sessionAsn", session.asn)
        .evidence("sessionStart", Instant.ofEpochMilli(session.at))
        .evidence("device", access.deviceId)
        .evidence("ip", access.ip)
        .evidence("resource", access.resource)
        .sourceEvents(session.eventId, access.eventId)
        .tactic(mismatch.equals("device") ? "T1550.004" : "T1539")
        .build();
  }

  private RiskFinding unknownDeviceFinding(PendingAccess access, State state, AccessSignal signal) {
    String sensitivity = access.restricted ? "restricted" : "confidential";
    return Findings.finding(
            ID, signal.subjectId(), signal.subjectType(), Instant.ofEpochMilli(access.at))
        .score(access.restricted ? 55 : 40)
        .confidence(0.7)
        .halfLife(halfLife)
        .summary(
            String.format(
                Locale.ROOT,
                "Accessed %s resource %s from device %s, which it has never signed in with"
                    + " (%d known devices).",
                sensitivity,
                access.resource,
                access.deviceId,
                state.devices.size()))
        .evidence("device", access.deviceId)
        .evidence("resource", access.resource)
        .evidence("sensitivity", sensitivity.toUpperCase(Locale.ROOT))
        .evidence("sessionId", access.sessionId)
        .evidence("knownDevices", state.devices.size())
        .sourceEvents(access.eventId)
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
