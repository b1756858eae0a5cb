package dev.vigil.schemas.registry;

/**
 * The schema registry refused a request or could not be reached. Carries the HTTP status and the
 * Confluent {@code error_code} (e.g. 40401 subject not found, 40403 schema not found, 409
 * incompatible, 42201 invalid schema); both are {@link #UNREACHABLE} when no answer came back.
 */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Status and error code used when the registry gave no HTTP answer at all. */
  public static final int UNREACHABLE = -1;

  /** Confluent error code: subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Confluent error code: version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Confluent error code: schema not found. */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** Confluent error code: the schema is incompatible with earlier versions. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** Confluent error code: the schema text is not a valid schema. */
  public static final int INVALID_SCHEMA = 42201;

  private final int status;
  private final int errorCode;

  /**
   * Creates the exception.
   *
   * @param status HTTP status, or {@link #UNREACHABLE}
   * @param errorCode Confluent {@code error_code}, or {@link #UNREACHABLE}
   * @param message one sentence saying what went wrong
   */
  public SchemaRegistryException(int status, int errorCode, String message) {
    this(status, errorCode, message, null);
  }

  /**
   * Creates the exception with a cause.
   *
   * @param status HTTP status, or {@link #UNREACHABLE}
   * @param errorCode Confluent {@code error_code}, or {@link #UNREACHABLE}
   * @param message one sentence saying what went wrong
   * @param cause the underlying failure, may be null
   */
  public SchemaRegistryException(int status, int errorCode, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  /** The HTTP status, or {@link #UNREACHABLE}. */
  public int status() {
    return status;
  }

  /** The Confluent {@code error_code}, or {@link #UNREACHABLE}. */
  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry said the subject, version or schema does not exist (HTTP 404). */
  public boolean isNotFound() {
    return status == 404;
  }
}
