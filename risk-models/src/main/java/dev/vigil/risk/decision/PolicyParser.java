package dev.vigil.risk.decision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.risk.detect.Durations;
import dev.vigil.schema.Criticality;
import dev.vigil.schema.DecisionMode;
import dev.vigil.schema.EnforcementAction;
import dev.vigil.schema.RiskLevel;
import dev.vigil.schema.SubjectType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads policy YAML. Every mistake is reported as one sentence naming where it is, e.g. "Rule
 * 'revoke-high' has an unknown key 'minlevel'; allowed: minLevel, maxLevel, ...".
 */
public final class PolicyParser {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP_KEYS = Set.of("policyId", "version", "defaults", "rules");
  private static final Set<String> DEFAULT_KEYS = Set.of("mode", "cooldown", "ttl");
  private static final Set<String> RULE_KEYS =
      Set.of("id", "description", "when", "action", "mode", "cooldown", "ttl");
  private static final Set<String> WHEN_KEYS =
      Set.of("minLevel", "maxLevel", "subjectTypes", "detectorsAny", "criticality", "afterActions");

  private PolicyParser() {}

  /** The policy shipped with Vigil. */
  public static Policy defaultPolicy() {
    return parse(defaultPolicyText());
  }

  /** The YAML source of the policy shipped with Vigil. */
  public static String defaultPolicyText() {
    try (InputStream in = PolicyParser.class.getResourceAsStream("/default-policy.yaml")) {
      if (in == null) {
        throw new IllegalStateException("default-policy.yaml is missing from the classpath.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Parses and validates a policy.
   *
   * @throws PolicyException with one sentence naming the problem
   */
  public static Policy parse(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "" : e.getMessage().split("\n")[0];
      throw new PolicyException("The policy is not valid YAML: " + msg);
    }
    if (root == null || !root.isObject()) {
      throw new PolicyException(
          "The policy must be a YAML mapping with policyId, version and rules.");
    }
    checkKeys(root, TOP_KEYS, "The policy");
    String policyId = text(root, "policyId", "The policy", true);
    JsonNode versionNode = root.get("version");
    if (versionNode == null || !versionNode.canConvertToInt() || versionNode.asInt() < 1) {
      throw new PolicyException("The policy's 'version' must be a whole number of 1 or more.");
    }
    JsonNode defaults = root.path("defaults");
    if (!defaults.isMissingNode()) {
      checkKeys(defaults, DEFAULT_KEYS, "The policy's defaults");
    }
    DecisionMode defaultMode =
        enumValue(
            defaults, "mode", DecisionMode.class, "The policy's defaults", DecisionMode.AUDIT);
    Duration defaultCooldown =
        duration(defaults, "cooldown", "The policy's defaults", Duration.ofMinutes(15));
    Duration defaultTtl = duration(defaults, "ttl", "The policy's defaults", Duration.ofHours(1));

    JsonNode rulesNode = root.get("rules");
    if (rulesNode == null || !rulesNode.isArray() || rulesNode.isEmpty()) {
      throw new PolicyException("The policy must have a non-empty list of 'rules'.");
    }
    List<PolicyRule> rules = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    int index = 0;
    for (JsonNode r : rulesNode) {
      index++;
      String where = "Rule " + index;
      if (!r.isObject()) {
        throw new PolicyException(where + " must be a mapping.");
      }
      String id = text(r, "id", where, true);
      where = "Rule '" + id + "'";
      if (!ids.add(id)) {
        throw new PolicyException(where + " is defined twice; rule ids must be unique.");
      }
      checkKeys(r, RULE_KEYS, where);
      JsonNode when = r.path("when");
      if (!when.isMissingNode()) {
        checkKeys(when, WHEN_KEYS, where + "'s 'when'");
      }
      EnforcementAction action = enumValue(r, "action", EnforcementAction.class, where, null);
      if (action == null || action == EnforcementAction.UNKNOWN) {
        throw new PolicyException(
            where + " needs an 'action' (" + names(EnforcementAction.class) + ").");
      }
      RiskLevel min = enumValue(when, "minLevel", RiskLevel.class, where, null);
      RiskLevel max = enumValue(when, "maxLevel", RiskLevel.class, where, null);
      if (min != null && max != null && min.compareTo(max) > 0) {
        throw new PolicyException(where + " has minLevel above maxLevel.");
      }
      Set<String> detectors = stringSet(when, "detectorsAny", where);
      Set<EnforcementAction> after = enumSet(when, "afterActions", EnforcementAction.class, where);
      if (action == EnforcementAction.REVOKE_GRANT
          && (min != null || max != null || !detectors.isEmpty() || !after.isEmpty())) {
        throw new PolicyException(
            where
                + " revokes grants when they expire, so it can only have subjectTypes and"
                + " criticality conditions.");
      }
      rules.add(
          new PolicyRule(
              id,
              r.path("description").asText(""),
              min,
              max,
              enumSet(when, "subjectTypes", SubjectType.class, where),
              detectors,
              enumSet(when, "criticality", Criticality.class, where),
              after,
              action,
              enumValue(r, "mode", DecisionMode.class, where, defaultMode),
              duration(r, "cooldown", where, defaultCooldown),
              duration(r, "ttl", where, defaultTtl)));
    }
    return new Policy(policyId, versionNode.asInt(), rules);
  }

  private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
    if (!node.isObject()) {
      throw new PolicyException(where + " must be a mapping.");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new PolicyException(
            where
                + " has an unknown key '"
                + name
                + "'; allowed: "
                + String.join(", ", new java.util.TreeSet<>(allowed))
                + ".");
      }
    }
  }

  private static String text(JsonNode node, String key, String where, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull() || v.asText().isBlank()) {
      if (required) {
        throw new PolicyException(where + " needs a '" + key + "'.");
      }
      return null;
    }
    if (!v.isValueNode()) {
      throw new PolicyException(where + "'s '" + key + "' must be text.");
    }
    return v.asText();
  }

  private static <T extends Enum<T>> T enumValue(
      JsonNode node, String key, Class<T> type, String where, T defaultValue) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return defaultValue;
    }
    return parseEnum(v.asText(), type, where + "'s '" + key + "'");
  }

  private static <T extends Enum<T>> T parseEnum(String text, Class<T> type, String where) {
    String name = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new PolicyException(where + " is '" + text + "'; expected one of " + names(type) + ".");
    }
  }

  private static <T extends Enum<T>> Set<T> enumSet(
      JsonNode node, String key, Class<T> type, String where) {
    return list(node, key, where, s -> parseEnum(s, type, where + "'s '" + key + "'"));
  }

  private static Set<String> stringSet(JsonNode node, String key, String where) {
    return list(node, key, where, Function.identity());
  }

  private static <T> Set<T> list(
      JsonNode node, String key, String where, Function<String, T> parse) {
    JsonNode v = node.get(key);
    Set<T> out = new LinkedHashSet<>();
    if (v == null || v.isNull()) {
      return out;
    }
    if (!v.isArray()) {
      throw new PolicyException(where + "'s '" + key + "' must be a list.");
    }
    v.forEach(item -> out.add(parse.apply(item.asText())));
    return out;
  }

  private static Duration duration(JsonNode node, String key, String where, Duration def) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return def;
    }
    try {
      return Durations.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new PolicyException(
          where + "'s '" + key + "' is '" + v.asText() + "'; expected a duration such as 15m.");
    }
  }

  private static <T extends Enum<T>> String names(Class<T> type) {
    List<String> names = new ArrayList<>();
    for (T c : type.getEnumConstants()) {
      names.add(c.name().toLowerCase(Locale.ROOT));
    }
    return String.join(", ", names);
  }
}
