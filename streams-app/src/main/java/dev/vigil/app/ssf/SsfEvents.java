package dev.vigil.app.ssf;

import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.vigil.enforcement.CaepEventType;
import dev.vigil.enforcement.SetSigner;
import dev.vigil.enforcement.SubjectIds;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The SETs a stream receives: Vigil's CAEP SETs from the Kafka topic re-issued for the stream, and
 * the transmitter's own verification (SSF 1.0 §8.1.4) and stream-updated (§8.1.5) events.
 *
 * <p>Re-issuing keeps {@code iss}, {@code jti}, {@code txn}, {@code sub_id}, {@code events} (with
 * the event's own time in {@code event_timestamp}) and sets {@code aud} to the stream's audience
 * and {@code iat} to the time of issuance (RFC 8417 §2.2). The {@code jti} stays the one on the
 * topic, so a SET delivered twice (at-least-once) carries the same {@code jti} for de-duplication.
 */
public final class SsfEvents {

  /** SSF verification event type. */
  public static final String VERIFICATION =
      "https://schemas.openid.net/secevent/ssf/event-type/verification";

  /** SSF stream-updated event type. */
  public static final String STREAM_UPDATED =
      "https://schemas.openid.net/secevent/ssf/event-type/stream-updated";

  /** The CAEP event types Vigil transmits, advertised as {@code events_supported}. */
  public static final List<String> SUPPORTED =
      List.of(
          CaepEventType.SESSION_REVOKED.uri(),
          CaepEventType.ASSURANCE_LEVEL_CHANGE.uri(),
          CaepEventType.DEVICE_COMPLIANCE_CHANGE.uri(),
          CaepEventType.RISK_LEVEL_CHANGE.uri(),
          CaepEventType.TOKEN_CLAIMS_CHANGE.uri());

  private final String issuer;
  private final SetSigner signer;
  private final Clock clock;
  private final boolean allSubjectsByDefault;

  /**
   * @param issuer {@code iss} of the transmitter's own events; equals the metadata's issuer
   * @param signer signs every SET delivered
   * @param clock for {@code iat}
   * @param allSubjectsByDefault {@code default_subjects: ALL} when true, {@code NONE} when false
   */
  public SsfEvents(String issuer, SetSigner signer, Clock clock, boolean allSubjectsByDefault) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.allSubjectsByDefault = allSubjectsByDefault;
  }

  /** The issuer. */
  public String issuer() {
    return issuer;
  }

  /** The signer. */
  public SetSigner signer() {
    return signer;
  }

  /** Whether streams receive every subject they have not removed ({@code ALL}). */
  public boolean allSubjectsByDefault() {
    return allSubjectsByDefault;
  }

  /** {@code events_delivered}: requested ∩ supported, or every supported type if none requested. */
  public static List<String> delivered(SsfStream stream) {
    if (stream.eventsRequested().isEmpty()) {
      return SUPPORTED;
    }
    return stream.eventsRequested().stream().filter(SUPPORTED::contains).distinct().toList();
  }

  /**
   * One SET from the topic as the stream must receive it; empty when the stream does not want it
   * (event type not delivered, subject not included) or the record is not a SET.
   *
   * @param stream the stream
   * @param topicSet the compact SET from the SETs topic
   * @return the jti and the re-signed SET
   */
  public Optional<Issued> reissue(SsfStream stream, String topicSet) {
    JWTClaimsSet claims;
    Map<String, Object> events;
    Map<String, Object> subId;
    try {
      claims = SignedJWT.parse(topicSet).getJWTClaimsSet();
      events = claims.getJSONObjectClaim("events");
      subId = claims.getJSONObjectClaim("sub_id");
    } catch (ParseException | RuntimeException e) {
      return Optional.empty();
    }
    if (events == null || events.size() != 1 || subId == null || claims.getJWTID() == null) {
      return Optional.empty();
    }
    if (!delivered(stream).contains(events.keySet().iterator().next())) {
      return Optional.empty();
    }
    if (!includes(stream, subId)) {
      return Optional.empty();
    }
    JWTClaimsSet.Builder b = new JWTClaimsSet.Builder(claims).issueTime(now());
    audience(b, stream);
    return Optional.of(new Issued(claims.getJWTID(), signer.sign(b.build())));
  }

  /**
   * Whether the stream receives SETs about this subject: with {@code default_subjects: ALL}, unless
   * it removed the subject; with {@code NONE}, only if it added the subject (SSF 1.0 §8.1.3).
   */
  public boolean includes(SsfStream stream, Map<String, Object> subId) {
    if (SubjectMatcher.matchesAny(subId, stream.removed())) {
      return false;
    }
    return allSubjectsByDefault || SubjectMatcher.matchesAny(subId, stream.added());
  }

  /** The verification SET answering a verification request, with the receiver's {@code state}. */
  public Issued verification(SsfStream stream, String state) {
    Map<String, Object> event = new LinkedHashMap<>();
    if (state != null) {
      event.put("state", state);
    }
    return own(stream, VERIFICATION, event);
  }

  /** The stream-updated SET announcing a status the transmitter set. */
  public Issued streamUpdated(SsfStream stream) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("status", stream.status());
    if (stream.reason() != null) {
      event.put("reason", stream.reason());
    }
    return own(stream, STREAM_UPDATED, event);
  }

  private Issued own(SsfStream stream, String type, Map<String, Object> event) {
    String jti = UUID.randomUUID().toString();
    // SSF events about the stream itself name it with an opaque subject (SSF 1.0 §8.1.4, §8.1.5).
    JWTClaimsSet.Builder b =
        new JWTClaimsSet.Builder()
            .issuer(issuer)
            .issueTime(now())
            .jwtID(jti)
            .claim("sub_id", SubjectIds.opaque(stream.streamId()))
            .claim("events", Map.of(type, event));
    audience(b, stream);
    return new Issued(jti, signer.sign(b.build()));
  }

  private static void audience(JWTClaimsSet.Builder b, SsfStream stream) {
    if (stream.aud().size() == 1) {
      b.audience(stream.aud().get(0));
    } else {
      b.audience(stream.aud().isEmpty() ? null : stream.aud());
    }
  }

  private Date now() {
    return Date.from(clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
  }

  /**
   * A SET ready to deliver.
   *
   * @param jti its {@code jti}
   * @param token the compact JWS
   */
  public record Issued(String jti, String token) {}
}
