package dev.vigil.enforcement;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Subject identifiers per RFC 9493 and the SSF 1.0 complex subject (SSF 1.0 §3.2).
 *
 * <p>The issuer-aware methods ({@link #of(String, String)}, {@link #userSession(String, String,
 * String)}, {@link #userDevice(String, String, String)}) follow the CAEP interoperability profile
 * (§2.6 "Event Subjects"): only {@code email} and {@code iss_sub} identify principals, {@code
 * opaque} is kept for the verification event. Any non-email Vigil id (account name, SPIFFE id,
 * device, session) becomes {@code iss_sub} with Vigil's issuer, since Vigil is the party that named
 * it. The one-argument methods keep the older {@code email}/{@code uri}/{@code opaque} choice for
 * readers of SETs already on the topic.
 */
public final class SubjectIds {

  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern URI = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://\\S+");

  private SubjectIds() {}

  /** The simple identifier of a subject: email if it looks like one, uri for URIs, else opaque. */
  public static Map<String, Object> of(String subjectId) {
    Objects.requireNonNull(subjectId, "subjectId");
    Map<String, Object> id = new LinkedHashMap<>();
    if (EMAIL.matcher(subjectId).matches()) {
      id.put("format", "email");
      id.put("email", subjectId);
    } else if (URI.matcher(subjectId).matches()) {
      id.put("format", "uri");
      id.put("uri", subjectId);
    } else {
      id.put("format", "opaque");
      id.put("id", subjectId);
    }
    return id;
  }

  /**
   * The profile-conformant identifier of a subject: {@code email} if it looks like an address,
   * otherwise {@code iss_sub} with the given issuer (RFC 9493 §3.2.3).
   */
  public static Map<String, Object> of(String subjectId, String issuer) {
    Objects.requireNonNull(subjectId, "subjectId");
    if (EMAIL.matcher(subjectId).matches()) {
      Map<String, Object> id = new LinkedHashMap<>();
      id.put("format", "email");
      id.put("email", subjectId);
      return id;
    }
    return issSub(issuer, subjectId);
  }

  /** An {@code iss_sub} identifier (RFC 9493 §3.2.3). */
  public static Map<String, Object> issSub(String issuer, String sub) {
    Map<String, Object> id = new LinkedHashMap<>();
    id.put("format", "iss_sub");
    id.put("iss", Objects.requireNonNull(issuer, "issuer"));
    id.put("sub", Objects.requireNonNull(sub, "sub"));
    return id;
  }

  /** A complex subject (SSF 1.0 §3.2): the user plus one session, both profile-conformant. */
  public static Map<String, Object> userSession(String subjectId, String sessionId, String issuer) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("format", "complex");
    map.put("user", of(subjectId, issuer));
    map.put("session", issSub(issuer, sessionId));
    return map;
  }

  /** A complex subject (SSF 1.0 §3.2): the user plus the device, both profile-conformant. */
  public static Map<String, Object> userDevice(String subjectId, String deviceId, String issuer) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("format", "complex");
    map.put("user", of(subjectId, issuer));
    map.put("device", issSub(issuer, deviceId));
    return map;
  }

  /** An opaque identifier. */
  public static Map<String, Object> opaque(String id) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("format", "opaque");
    map.put("id", Objects.requireNonNull(id, "id"));
    return map;
  }

  /** A complex subject: the user plus one session. */
  public static Map<String, Object> userSession(String subjectId, String sessionId) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("format", "complex");
    map.put("user", of(subjectId));
    map.put("session", opaque(sessionId));
    return map;
  }

  /** A complex subject: the user plus the device they used. */
  public static Map<String, Object> userDevice(String subjectId, String deviceId) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("format", "complex");
    map.put("user", of(subjectId));
    map.put("device", opaque(deviceId));
    return map;
  }

  /**
   * The principal's id in a {@code sub_id}: the user of a complex subject, otherwise the simple
   * identifier's value ({@code email}, {@code uri}, {@code id}, ...).
   */
  public static Optional<String> principal(Map<String, Object> subId) {
    if (subId == null) {
      return Optional.empty();
    }
    if ("complex".equals(subId.get("format"))) {
      for (String member : new String[] {"user", "device", "session", "application"}) {
        if (subId.get(member) instanceof Map<?, ?> inner) {
          return principal(cast(inner));
        }
      }
      return Optional.empty();
    }
    for (String field : new String[] {"email", "uri", "id", "sub", "phone_number", "url"}) {
      if (subId.get(field) instanceof String value) {
        return Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** A member ({@code session}, {@code device}) of a complex subject, as its simple value. */
  public static Optional<String> member(Map<String, Object> subId, String member) {
    if (subId != null
        && "complex".equals(subId.get("format"))
        && subId.get(member) instanceof Map<?, ?> inner) {
      return principal(cast(inner));
    }
    return Optional.empty();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> map) {
    return (Map<String, Object>) map;
  }
}
