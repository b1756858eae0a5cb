package dev.vigil.schemas.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches another client's answers so that the serde hot path does no HTTP after the first record.
 * Schema ids are immutable in the registry, so id→schema and (subject, schema)→id are kept forever;
 * {@link #latest} is kept for a short time-to-live; compatibility checks are never cached. A lookup
 * that finds nothing is not cached either, so a later registration is seen. Thread-safe.
 */
public final class CachingSchemaRegistryClient implements SchemaRegistryClient {

  /** How long {@link #latest} answers are kept by default. */
  public static final Duration DEFAULT_LATEST_TTL = Duration.ofSeconds(30);

  private record SubjectSchema(String subject, Schema schema) {}

  private record Expiring(RegisteredSchema value, Instant expiresAt) {}

  private final SchemaRegistryClient delegate;
  private final Duration latestTtl;
  private final Clock clock;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
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
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = delegate.register(subject, schema);
    remember(key, id, schema);
    return id;
  }

  @Override
  public Schema schemaById(int id) {
    return schemasById.computeIfAbsent(id, delegate::schemaById);
  }

  @Override
  public OptionalInt lookup(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return OptionalInt.of(cached);
    }
    OptionalInt id = delegate.lookup(subject, schema);
    id.ifPresent(value -> remember(key, value, schema));
    return id;
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
    schemasById.putIfAbsent(latest.id(), latest.schema());
    return latest;
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    return delegate.testCompatibility(subject, schema);
  }

  private void remember(SubjectSchema key, int id, Schema schema) {
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
  }
}
