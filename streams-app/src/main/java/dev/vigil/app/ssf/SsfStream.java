package dev.vigil.app.ssf;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One SSF event stream as stored in the compacted streams topic (SSF 1.0 §8.1.1 "Stream
 * Configuration" plus status §8.1.2 and subjects §8.1.3).
 *
 * @param streamId {@code stream_id}, chosen by the transmitter
 * @param owner the principal that created the stream; only it sees and changes the stream
 * @param aud {@code aud} of every SET sent on the stream
 * @param eventsRequested {@code events_requested}
 * @param deliveryMethod {@code urn:ietf:rfc:8935} (push) or {@code urn:ietf:rfc:8936} (poll)
 * @param endpointUrl the receiver's push URL, or the transmitter's poll URL
 * @param authorizationHeader the {@code Authorization} value for pushes, or null
 * @param description {@code description}, or null
 * @param status {@code enabled}, {@code paused} or {@code disabled}
 * @param reason why the status was last changed, or null
 * @param added subjects added with add_subject
 * @param removed subjects removed with remove_subject
 * @param createdAtMillis when the stream was created
 * @param startOffsets the SETs topic's end offset per partition when the stream was created:
 *     delivery starts there (record timestamps are event times, so they cannot say what was
 *     published after the stream was created); a partition not named starts at its beginning
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SsfStream(
    String streamId,
    String owner,
    List<String> aud,
    List<String> eventsRequested,
    String deliveryMethod,
    String endpointUrl,
    String authorizationHeader,
    String description,
    String status,
    String reason,
    List<Map<String, Object>> added,
    List<Map<String, Object>> removed,
    long createdAtMillis,
    Map<Integer, Long> startOffsets) {

  /** Push delivery (RFC 8935). */
  public static final String PUSH = "urn:ietf:rfc:8935";

  /** Poll delivery (RFC 8936). */
  public static final String POLL = "urn:ietf:rfc:8936";

  /** Status: SETs are delivered. */
  public static final String ENABLED = "enabled";

  /** Status: SETs are held and delivered once the stream is enabled again. */
  public static final String PAUSED = "paused";

  /** Status: SETs are not delivered and not held. */
  public static final String DISABLED = "disabled";

  /** Normalises the lists. */
  public SsfStream {
    Objects.requireNonNull(streamId, "streamId");
    aud = aud == null ? List.of() : List.copyOf(aud);
    eventsRequested = eventsRequested == null ? List.of() : List.copyOf(eventsRequested);
    added = added == null ? List.of() : List.copyOf(added);
    removed = removed == null ? List.of() : List.copyOf(removed);
    status = status == null ? ENABLED : status;
    startOffsets = startOffsets == null ? Map.of() : Map.copyOf(startOffsets);
  }

  /** Whether delivery is push. */
  public boolean isPush() {
    return PUSH.equals(deliveryMethod);
  }

  /** A copy with another status and reason. */
  public SsfStream withStatus(String newStatus, String newReason) {
    return new SsfStream(
        streamId,
        owner,
        aud,
        eventsRequested,
        deliveryMethod,
        endpointUrl,
        authorizationHeader,
        description,
        newStatus,
        newReason,
        added,
        removed,
        createdAtMillis,
        startOffsets);
  }

  /** A copy with the subject added (and no longer removed). */
  public SsfStream withSubjectAdded(Map<String, Object> subject) {
    String key = SubjectMatcher.key(subject);
    List<Map<String, Object>> a = new ArrayList<>(added);
    a.removeIf(s -> SubjectMatcher.key(s).equals(key));
    a.add(subject);
    List<Map<String, Object>> r = new ArrayList<>(removed);
    r.removeIf(s -> SubjectMatcher.key(s).equals(key));
    return new SsfStream(
        streamId,
        owner,
        aud,
        eventsRequested,
        deliveryMethod,
        endpointUrl,
        authorizationHeader,
        description,
        status,
        reason,
        a,
        r,
        createdAtMillis,
        startOffsets);
  }

  /** A copy with the subject removed (and no longer added). */
  public SsfStream withSubjectRemoved(Map<String, Object> subject) {
    String key = SubjectMatcher.key(subject);
    List<Map<String, Object>> a = new ArrayList<>(added);
    a.removeIf(s -> SubjectMatcher.key(s).equals(key));
    List<Map<String, Object>> r = new ArrayList<>(removed);
    r.removeIf(s -> SubjectMatcher.key(s).equals(key));
    r.add(subject);
    return new SsfStream(
        streamId,
        owner,
        aud,
        eventsRequested,
        deliveryMethod,
        endpointUrl,
        authorizationHeader,
        description,
        status,
        reason,
        a,
        r,
        createdAtMillis,
        startOffsets);
  }
}
