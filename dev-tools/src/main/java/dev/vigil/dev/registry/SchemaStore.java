package dev.vigil.dev.registry;

import dev.vigil.schemas.registry.AvroCompatibility;
import dev.vigil.schemas.registry.CompatibilityLevel;
import dev.vigil.schemas.registry.SchemaReference;
import dev.vigil.schemas.registry.SchemaRegistryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

/**
 * The in-memory state and rules of {@link InProcessSchemaRegistry}, following Confluent Schema
 * Registry: global ids shared by identical schemas (canonical text plus references), versions per
 * subject, soft and permanent deletes, references, compatibility levels and modes. Every method
 * that refuses a request throws {@link ApiError} with Confluent's status and error code. Not
 * thread-safe: the caller serialises access.
 */
final class SchemaStore {

  /** Confluent error code: subject soft-deleted. */
  static final int SUBJECT_SOFT_DELETED = 40404;

  /** Confluent error code: subject not soft-deleted before a permanent delete. */
  static final int SUBJECT_NOT_SOFT_DELETED = 40405;

  /** Confluent error code: version soft-deleted. */
  static final int VERSION_SOFT_DELETED = 40406;

  /** Confluent error code: version not soft-deleted before a permanent delete. */
  static final int VERSION_NOT_SOFT_DELETED = 40407;

  /** Confluent error code: no subject-level compatibility level. */
  static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;

  /** Confluent error code: no subject-level mode. */
  static final int SUBJECT_MODE_NOT_CONFIGURED = 40409;

  /** Confluent error code: invalid version. */
  static final int INVALID_VERSION = 42202;

  /** Confluent error code: invalid compatibility level. */
  static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  /** Confluent error code: invalid mode. */
  static final int INVALID_MODE = 42204;

  /** Confluent error code: operation not permitted in the current mode. */
  static final int OPERATION_NOT_PERMITTED = 42205;

  /** Confluent error code: other schemas reference this one. */
  static final int REFERENCE_EXISTS = 42206;

  /** The registry modes of Confluent Schema Registry. */
  enum Mode {
    READWRITE,
    READONLY,
    READONLY_OVERRIDE,
    IMPORT
  }

  /** A schema as stored: canonical text, references, and the schema with references resolved. */
  record Stored(int id, String text, List<SchemaReference> references, Schema resolved) {}

  /** One version of a subject. */
  static final class Version {
    final String subject;
    final int version;
    final int id;
    boolean deleted;

    Version(String subject, int version, int id) {
      this.subject = subject;
      this.version = version;
      this.id = id;
    }
  }

  /** A schema parsed from a request: canonical text, references and the resolved schema. */
  record Parsed(String text, List<SchemaReference> references, Schema resolved) {}

  private record Identity(String text, List<SchemaReference> references) {}

  private final Map<Integer, Stored> byId = new HashMap<>();
  private final Map<Identity, Integer> idByIdentity = new HashMap<>();
  private final Map<String, List<Version>> subjects = new TreeMap<>();
  private final Map<String, CompatibilityLevel> levels = new HashMap<>();
  private final Map<String, Mode> modes = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private Mode globalMode = Mode.READWRITE;
  private int nextId = 1;

  // ---- schemas -------------------------------------------------------------------------------

  /**
   * Parses schema text with its references resolved from the store.
   *
   * @throws ApiError 422/42201 if the text is empty, not Avro, or names an unknown type or
   *     reference
   */
  // Avro 1.12 deprecates toString(known, pretty) without a formatter that keeps referenced types
  // by name, which is what Confluent stores for a schema with references.
  @SuppressWarnings("deprecation")
  Parsed parse(String type, String text, List<SchemaReference> references) {
    if (type != null && !type.equals("AVRO")) {
      throw invalid("Invalid schema type " + type + ": this registry supports AVRO only");
    }
    if (text == null || text.isBlank()) {
      throw invalid("Empty schema");
    }
    Schema.Parser parser = new Schema.Parser();
    addReferences(parser, references, new HashSet<>());
    List<Schema> known = new ArrayList<>(parser.getTypes().values());
    Schema schema;
    try {
      schema = parser.parse(text);
    } catch (AvroRuntimeException | NullPointerException e) {
      throw invalid(
          "Invalid schema "
              + text
              + (references.isEmpty() ? "" : " with refs " + describe(references))
              + " of type AVRO, details: "
              + e.getMessage());
    }
    String canonical = known.isEmpty() ? schema.toString() : schema.toString(known, false);
    return new Parsed(canonical, List.copyOf(references), schema);
  }

  private void addReferences(
      Schema.Parser parser, List<SchemaReference> references, Set<String> seen) {
    for (SchemaReference reference : references) {
      Version version = referenced(reference);
      if (!seen.add(version.subject + "/" + version.version)) {
        continue;
      }
      Stored stored = byId.get(version.id);
      addReferences(parser, stored.references(), seen);
      if (!parser.getTypes().containsKey(reference.name())) {
        try {
          parser.parse(stored.text());
        } catch (AvroRuntimeException | NullPointerException e) {
          throw invalid(
              "Invalid schema reference " + describe(List.of(reference)) + ": " + e.getMessage());
        }
      }
      if (!parser.getTypes().containsKey(reference.name())) {
        throw invalid(
            "Invalid schema reference "
                + describe(List.of(reference))
                + ": that version does not define "
                + reference.name());
      }
    }
  }

  private Version referenced(SchemaReference reference) {
    List<Version> versions = subjects.get(reference.subject());
    Version found = null;
    if (versions != null) {
      for (Version v : versions) {
        if (reference.version() < 0 ? !v.deleted : v.version == reference.version()) {
          found = v;
        }
      }
    }
    if (found == null) {
      throw invalid(
          "Invalid schema: no schema reference found for subject \""
              + reference.subject()
              + "\" and version "
              + reference.version());
    }
    return found;
  }

  /** The schema with an id. */
  Stored schema(int id) {
    Stored stored = byId.get(id);
    if (stored == null) {
      throw new ApiError(
          404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }
    return stored;
  }

  /** The subject versions that hold a schema id. */
  List<Version> versionsOf(int id, boolean deleted) {
    schema(id);
    List<Version> found = new ArrayList<>();
    for (List<Version> versions : subjects.values()) {
      for (Version v : versions) {
        if (v.id == id && (deleted || !v.deleted)) {
          found.add(v);
        }
      }
    }
    return found;
  }

  /** The ids of the schemas whose references name a subject version. */
  List<Integer> referencedBy(String subject, String versionText) {
    Version version = version(subject, versionText, false);
    Set<Integer> ids = new TreeSet<>();
    for (List<Version> versions : subjects.values()) {
      for (Version v : versions) {
        for (SchemaReference reference : byId.get(v.id).references()) {
          if (reference.subject().equals(subject)
              && (reference.version() == version.version
                  || reference.version() < 0 && latest(subject) == version)) {
            ids.add(v.id);
          }
        }
      }
    }
    return List.copyOf(ids);
  }

  // ---- subjects and versions -----------------------------------------------------------------

  /** Subject names, sorted; soft-deleted ones only when asked. */
  List<String> subjects(String prefix, boolean deleted) {
    List<String> names = new ArrayList<>();
    subjects.forEach(
        (name, versions) -> {
          if (name.startsWith(prefix)
              && !versions.isEmpty()
              && (deleted || versions.stream().anyMatch(v -> !v.deleted))) {
            names.add(name);
          }
        });
    return names;
  }

  /** The versions of a subject. */
  List<Version> versions(String subject, boolean deleted) {
    List<Version> live = live(subject, deleted);
    if (live.isEmpty()) {
      throw subjectNotFound(subject);
    }
    return live;
  }

  /** One version of a subject, by number, {@code latest} or {@code -1}. */
  Version version(String subject, String versionText, boolean deleted) {
    int number = versionNumber(versionText);
    List<Version> versions = live(subject, deleted);
    if (versions.isEmpty()) {
      throw subjectNotFound(subject);
    }
    if (number < 0) {
      Version latest = latest(subject);
      if (latest == null) {
        throw subjectNotFound(subject);
      }
      return latest;
    }
    for (Version v : versions) {
      if (v.version == number) {
        return v;
      }
    }
    throw new ApiError(
        404,
        SchemaRegistryException.VERSION_NOT_FOUND,
        "Version " + number + " not found under subject '" + subject + "'");
  }

  /**
   * Registers a schema under a subject, or answers the id it already has there.
   *
   * @param id the id asked for in IMPORT mode, or -1
   * @param requestedVersion the version asked for, or 0 for the next one
   * @return the schema id
   */
  int register(String subject, Parsed parsed, int id, int requestedVersion) {
    Mode mode = modeOf(subject);
    if (mode == Mode.READONLY || mode == Mode.READONLY_OVERRIDE) {
      throw notPermitted("Subject " + subject + " is in read-only mode");
    }
    if (id >= 0 && mode != Mode.IMPORT) {
      throw notPermitted("Subject " + subject + " is not in import mode");
    }
    if (id < 0 && mode != Mode.READWRITE) {
      throw notPermitted("Subject " + subject + " is not in read-write mode");
    }
    Version existing = find(subject, parsed, false);
    if (existing != null && (id < 0 || id == existing.id)) {
      return existing.id;
    }
    List<Version> all = subjects.getOrDefault(subject, List.of());
    int next = all.isEmpty() ? 1 : all.get(all.size() - 1).version + 1;
    if (requestedVersion > 0 && requestedVersion != next && mode != Mode.IMPORT) {
      throw invalid("Version is not one more than previous version");
    }
    if (mode != Mode.IMPORT) {
      List<String> problems = problems(subject, parsed.resolved(), null);
      if (!problems.isEmpty()) {
        throw new ApiError(
            409,
            SchemaRegistryException.INCOMPATIBLE_SCHEMA,
            "Schema being registered is incompatible with an earlier schema for subject \""
                + subject
                + "\", details: "
                + problems);
      }
    }
    Identity identity = new Identity(parsed.text(), parsed.references());
    int schemaId;
    if (id >= 0) {
      Stored taken = byId.get(id);
      if (taken != null && !new Identity(taken.text(), taken.references()).equals(identity)) {
        throw notPermitted("Overwrite new schema with id " + id + " is not permitted.");
      }
      schemaId = id;
      nextId = Math.max(nextId, id + 1);
    } else {
      schemaId = idByIdentity.getOrDefault(identity, -1);
      if (schemaId < 0) {
        schemaId = nextId++;
      }
    }
    idByIdentity.putIfAbsent(identity, schemaId);
    byId.putIfAbsent(
        schemaId, new Stored(schemaId, parsed.text(), parsed.references(), parsed.resolved()));
    int version = requestedVersion > 0 ? requestedVersion : next;
    subjects
        .computeIfAbsent(subject, s -> new ArrayList<>())
        .add(new Version(subject, version, schemaId));
    return schemaId;
  }

  /**
   * The version of a subject holding a schema: the same canonical text and references, or, for a
   * schema sent without references, the same schema once references are resolved (as Confluent
   * matches a schema sent with its references inlined).
   *
   * @return null if none
   */
  Version find(String subject, Parsed parsed, boolean deleted) {
    List<Version> versions = live(subject, deleted);
    for (int i = versions.size() - 1; i >= 0; i--) {
      Stored stored = byId.get(versions.get(i).id);
      if (stored.text().equals(parsed.text()) && stored.references().equals(parsed.references())) {
        return versions.get(i);
      }
    }
    if (parsed.references().isEmpty()) {
      for (int i = versions.size() - 1; i >= 0; i--) {
        Stored stored = byId.get(versions.get(i).id);
        if (!stored.references().isEmpty() && stored.resolved().equals(parsed.resolved())) {
          return versions.get(i);
        }
      }
    }
    return null;
  }

  /**
   * Soft- or hard-deletes one version.
   *
   * @return the version number deleted
   */
  int deleteVersion(String subject, String versionText, boolean permanent) {
    requireWritable(subject);
    Version version = version(subject, versionText, true);
    if (!permanent && version.deleted) {
      throw new ApiError(
          404,
          VERSION_SOFT_DELETED,
          "Subject '"
              + subject
              + "' Version "
              + version.version
              + " was soft deleted. Set permanent=true to delete permanently");
    }
    if (permanent && !version.deleted) {
      throw new ApiError(
          404,
          VERSION_NOT_SOFT_DELETED,
          "Subject '"
              + subject
              + "' Version "
              + version.version
              + " was not deleted first before being permanently deleted");
    }
    requireUnreferenced(subject, version);
    if (permanent) {
      subjects.get(subject).remove(version);
      forgetUnused(version.id);
    } else {
      version.deleted = true;
    }
    return version.version;
  }

  /**
   * Soft- or hard-deletes every version of a subject.
   *
   * @return the version numbers deleted
   */
  List<Integer> deleteSubject(String subject, boolean permanent) {
    requireWritable(subject);
    List<Version> versions = subjects.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw subjectNotFound(subject);
    }
    boolean anyLive = versions.stream().anyMatch(v -> !v.deleted);
    if (!permanent && !anyLive) {
      throw new ApiError(
          404,
          SUBJECT_SOFT_DELETED,
          "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently");
    }
    if (permanent && anyLive) {
      throw new ApiError(
          404,
          SUBJECT_NOT_SOFT_DELETED,
          "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }
    List<Integer> deleted = new ArrayList<>();
    for (Version v : versions) {
      if (permanent || !v.deleted) {
        requireUnreferenced(subject, v);
        deleted.add(v.version);
      }
    }
    if (permanent) {
      subjects.remove(subject);
      levels.remove(subject);
      modes.remove(subject);
      versions.forEach(v -> forgetUnused(v.id));
    } else {
      versions.forEach(v -> v.deleted = true);
    }
    return deleted;
  }

  // ---- compatibility -------------------------------------------------------------------------

  /**
   * Problems registering a schema under a subject: against the version named, or when {@code
   * versionText} is null against what the subject's level covers. A subject with no versions
   * accepts anything when checked against {@code latest} or against all.
   */
  List<String> problems(String subject, Schema schema, String versionText) {
    CompatibilityLevel level = levelOf(subject);
    List<Version> live = live(subject, false);
    List<Version> against;
    if (versionText == null) {
      if (live.isEmpty() || level == CompatibilityLevel.NONE) {
        return List.of();
      }
      against = level.transitive() ? live : live.subList(live.size() - 1, live.size());
    } else if (versionNumber(versionText) < 0 && live.isEmpty()) {
      return List.of();
    } else {
      against = List.of(version(subject, versionText, false));
      if (level == CompatibilityLevel.NONE) {
        return List.of();
      }
    }
    List<String> problems = new ArrayList<>();
    for (int i = against.size() - 1; i >= 0; i--) {
      Version version = against.get(i);
      Schema existing = byId.get(version.id).resolved();
      if (level.backward()) {
        AvroCompatibility.canRead(schema, existing)
            .messages()
            .forEach(m -> problems.add("version " + version.version + ": " + m));
      }
      if (level.forward()) {
        AvroCompatibility.canRead(existing, schema)
            .messages()
            .forEach(m -> problems.add("version " + version.version + " (as reader): " + m));
      }
    }
    return problems;
  }

  // ---- config and mode -----------------------------------------------------------------------

  /** The level of a subject, or the global one when {@code subject} is null. */
  CompatibilityLevel level(String subject, boolean defaultToGlobal) {
    if (subject == null) {
      return globalLevel;
    }
    CompatibilityLevel level = levels.get(subject);
    if (level == null && defaultToGlobal) {
      return globalLevel;
    }
    if (level == null) {
      throw new ApiError(
          404,
          SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
          "Subject '" + subject + "' does not have subject-level compatibility configured");
    }
    return level;
  }

  /** Sets the level of a subject, or the global one when {@code subject} is null. */
  CompatibilityLevel setLevel(String subject, String requested) {
    CompatibilityLevel level;
    try {
      level = CompatibilityLevel.parse(requested == null ? "" : requested);
    } catch (IllegalArgumentException e) {
      throw new ApiError(
          422,
          INVALID_COMPATIBILITY_LEVEL,
          "Invalid compatibility level '"
              + requested
              + "'. Valid values are none, backward, forward, full,"
              + " backward_transitive, forward_transitive, and full_transitive");
    }
    if (subject == null) {
      globalLevel = level;
    } else {
      levels.put(subject, level);
    }
    return level;
  }

  /**
   * Removes a subject's own level.
   *
   * @return the level removed
   */
  CompatibilityLevel deleteLevel(String subject) {
    CompatibilityLevel removed = levels.remove(subject);
    if (removed == null) {
      throw subjectNotFound(subject);
    }
    return removed;
  }

  /** The mode of a subject, or the global one when {@code subject} is null. */
  Mode mode(String subject, boolean defaultToGlobal) {
    if (subject == null) {
      return globalMode;
    }
    Mode mode = modes.get(subject);
    if (mode == null && defaultToGlobal) {
      return globalMode;
    }
    if (mode == null) {
      throw new ApiError(
          404,
          SUBJECT_MODE_NOT_CONFIGURED,
          "Subject '" + subject + "' does not have subject-level mode configured");
    }
    return mode;
  }

  /** Sets the mode of a subject, or the global one when {@code subject} is null. */
  Mode setMode(String subject, String requested, boolean force) {
    Mode mode;
    try {
      mode = Mode.valueOf(requested == null ? "" : requested.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ApiError(
          422,
          INVALID_MODE,
          "Invalid mode. Valid values are READWRITE, READONLY, READONLY_OVERRIDE, and IMPORT.");
    }
    if (mode == Mode.IMPORT && !force) {
      boolean hasSchemas =
          subject == null ? !subjects("", false).isEmpty() : !live(subject, false).isEmpty();
      if (hasSchemas) {
        throw notPermitted(
            "Cannot import since found existing subjects; use force=true to switch to IMPORT");
      }
    }
    if (subject == null) {
      globalMode = mode;
    } else {
      modes.put(subject, mode);
    }
    return mode;
  }

  /**
   * Removes a subject's own mode.
   *
   * @return the mode removed
   */
  Mode deleteMode(String subject) {
    Mode removed = modes.remove(subject);
    if (removed == null) {
      throw subjectNotFound(subject);
    }
    return removed;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private CompatibilityLevel levelOf(String subject) {
    return levels.getOrDefault(subject, globalLevel);
  }

  private Mode modeOf(String subject) {
    return modes.getOrDefault(subject, globalMode);
  }

  private void requireWritable(String subject) {
    Mode mode = modeOf(subject);
    if (mode == Mode.READONLY || mode == Mode.READONLY_OVERRIDE) {
      throw notPermitted("Subject " + subject + " is in read-only mode");
    }
  }

  private void requireUnreferenced(String subject, Version version) {
    for (List<Version> versions : subjects.values()) {
      for (Version v : versions) {
        if (v == version) {
          continue;
        }
        for (SchemaReference reference : byId.get(v.id).references()) {
          if (reference.subject().equals(subject) && reference.version() == version.version) {
            throw new ApiError(
                422,
                REFERENCE_EXISTS,
                "One or more references exist to the schema {subject="
                    + subject
                    + ",version="
                    + version.version
                    + "}");
          }
        }
      }
    }
  }

  private void forgetUnused(int id) {
    boolean used = subjects.values().stream().flatMap(List::stream).anyMatch(v -> v.id == id);
    if (!used) {
      Stored stored = byId.remove(id);
      if (stored != null) {
        idByIdentity.remove(new Identity(stored.text(), stored.references()));
      }
    }
  }

  private List<Version> live(String subject, boolean deleted) {
    List<Version> versions = subjects.getOrDefault(subject, List.of());
    return deleted ? versions : versions.stream().filter(v -> !v.deleted).toList();
  }

  private Version latest(String subject) {
    List<Version> live = live(subject, false);
    return live.isEmpty() ? null : live.get(live.size() - 1);
  }

  /** A version number, or -1 for {@code latest} and {@code -1}. */
  static int versionNumber(String text) {
    if (text.equals("latest") || text.equals("-1")) {
      return -1;
    }
    try {
      int version = Integer.parseInt(text);
      if (version >= 1) {
        return version;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ApiError(
        422,
        INVALID_VERSION,
        "The specified version '"
            + text
            + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string"
            + " \"latest\"");
  }

  private static String describe(List<SchemaReference> references) {
    Map<String, Object> shown = new LinkedHashMap<>();
    for (SchemaReference r : references) {
      shown.put(r.name(), r.subject() + "/" + r.version());
    }
    return shown.toString();
  }

  private static ApiError invalid(String message) {
    return new ApiError(422, SchemaRegistryException.INVALID_SCHEMA, message);
  }

  private static ApiError notPermitted(String message) {
    return new ApiError(422, OPERATION_NOT_PERMITTED, message);
  }

  private static ApiError subjectNotFound(String subject) {
    return new ApiError(
        404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
  }

  /** A refused request: HTTP status, Confluent error code and message. */
  static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final int errorCode;

    ApiError(int status, int errorCode, String message) {
      super(message);
      this.status = status;
      this.errorCode = errorCode;
    }
  }
}
