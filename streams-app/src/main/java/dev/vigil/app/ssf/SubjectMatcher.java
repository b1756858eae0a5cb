package dev.vigil.app.ssf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Compares RFC 9493 subject identifiers: a SET's {@code sub_id} matches a stream's subject when
 * they identify the same principal, or when the stream's subject is one member of a {@code complex}
 * {@code sub_id} (e.g. the user of a user + device subject). Email addresses compare
 * case-insensitively.
 */
public final class SubjectMatcher {

  private SubjectMatcher() {}

  /** A canonical text for one simple identifier. */
  public static String key(Map<String, Object> id) {
    Object format = id.get("format");
    if ("email".equals(format) && id.get("email") instanceof String e) {
      return "email:" + e.toLowerCase(Locale.ROOT);
    }
    if ("iss_sub".equals(format)) {
      return "iss_sub:" + id.get("iss") + "|" + id.get("sub");
    }
    if ("opaque".equals(format)) {
      return "opaque:" + id.get("id");
    }
    return String.valueOf(new TreeMap<>(id));
  }

  /** The keys a {@code sub_id} stands for: itself, and each member of a complex subject. */
  public static List<String> keys(Map<String, Object> subId) {
    List<String> keys = new ArrayList<>();
    if ("complex".equals(subId.get("format"))) {
      for (Object member : subId.values()) {
        if (member instanceof Map<?, ?> m) {
          keys.add(key(cast(m)));
        }
      }
    } else {
      keys.add(key(subId));
    }
    return keys;
  }

  /** Whether any of the subjects identifies the SET's subject. */
  public static boolean matchesAny(Map<String, Object> subId, List<Map<String, Object>> subjects) {
    List<String> keys = keys(subId);
    for (Map<String, Object> s : subjects) {
      if (keys.contains(key(s))) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }
}
