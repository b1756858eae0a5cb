package dev.vigil.schemas.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches another client's answers so that the serde hot path does no HTTP after the first record.
 * Schema ids are immutable in the registry, so id→schema, (subject, schema)→id and (subject,
 * version)→schema are kept forever; {@link #latest} is kept for a short time-to-live; compatibility
 * checks are never cached. A lookup that finds nothing is not cached either, so a later
 * registration is seen. Thread-safe.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

  /** How long {@link #latest} answers are kept by default. */
  public static final Duration DEFAULT_LATEST_TTL = Duration.ofSeconds(30);

  private record SubjectSchema(String subject, SchemaText schema) {}

  private record SubjectVersion(String subject, int version) {}

  private record Expiring(RegisteredSchema value, Instant expiresAt) {}

  private final SchemaRegistryClient delegate;
  private final Duration latestTtl;
  private final Clock clock;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, RegisteredSchema> versionsBySubjectSchema =
      new ConcurrentHashMap<>();
  private final Map<SubjectVersion, RegisteredSchema> versions = new ConcurrentHashMap<>();
  private final Map<String, Expiring> latestBySubject = new ConcurrentHashMap<>();

  /** Caches {@code delegate} with the default time-to-live for {@link #latest}. */
  public CachingSchemaRegistryClient(SchemaRegistryClient delegate) {
    this(delegate, DEFAULT_LATEST_TTL, Clock.systemUTC());
  }

  /**
   * Caches {@code delegate}.
   *
   * @param latestTtl how long a {@link #latest} answer is kept
   * @param clock the clock that ages {@link #latest} answers
   */
  public CachingSchemaRegistryClient(
      SchemaRegistryClient delegate, Duration latestTtl, Clock clock) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.latestTtl = Objects.requireNonNull(latestTtl, "latestTtl");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public int register(String subject, SchemaText schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = delegate.register(subject, schema);
    idsBySubjectSchema.put(key, id);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(id, delegate::schemaById);
  }

  @Override
  public Optional<RegisteredSchema> find(String subject, SchemaText schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    RegisteredSchema cached = versionsBySubjectSchema.get(key);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<RegisteredSchema> found = delegate.find(subject, schema);
    found.ifPresent(
        value -> {
          versionsBySubjectSchema.put(key, value);
          idsBySubjectSchema.put(key, value.id());
          remember(value);
        });
    return found;
  }

  @Override
  public OptionalInt lookup(String subject, SchemaText schema) {
    Integer cached = idsBySubjectSchema.get(new SubjectSchema(subject, schema));
    return cached != null
        ? OptionalInt.of(cached)
        : SchemaRegistryClient.super.lookup(subject, schema);
  }

  @Override
  public RegisteredSchema latest(String subject) {
    Instant now = clock.instant();
    Expiring cached = latestBySubject.get(subject);
    if (cached != null && now.isBefore(cached.expiresAt())) {
      return cached.value();
    }
    RegisteredSchema latest = delegate.latest(subject);
    latestBySubject.put(subject, new Expiring(latest, now.plus(latestTtl)));
    remember(latest);
    return latest;
  }

  @Override
  public RegisteredSchema version(String subject, int version) {
    RegisteredSchema found =
        versions.computeIfAbsent(
            new SubjectVersion(subject, version), key -> delegate.version(subject, version));
    schemasById.putIfAbsent(found.id(), found.schema());
    return found;
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, SchemaText schema) {
    return delegate.testCompatibility(subject, schema);
  }

  private void remember(RegisteredSchema registered) {
    schemasById.putIfAbsent(registered.id(), registered.schema());
    versions.putIfAbsent(
        new SubjectVersion(registered.subject(), registered.version()), registered);
  }
}
