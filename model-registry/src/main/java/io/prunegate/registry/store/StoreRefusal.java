package io.prunegate.registry.store;

/**
 * A change or lookup the stored state refuses, from the catalog or the job queue: no such entity, a
 * conflict with what is stored (an existing entity, a job another worker holds or that has ended),
 * a reference to something that does not exist or does not match, or a value the store never
 * accepts (progress outside 0..1, a lease that is not positive). It names the offending field (a
 * JSON path such as {@code artifacts[1].sha256}, or {@code model}) so that the API layer, which
 * alone decides HTTP status codes, can report it; the stores know nothing of HTTP.
 */
public abstract sealed class StoreRefusal extends RuntimeException
    permits StoreRefusal.NotFound,
        StoreRefusal.Conflict,
        StoreRefusal.Unprocessable,
        StoreRefusal.Invalid {

  private final String field;

  private StoreRefusal(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }

  /** No such model, version, alias or job. */
  public static final class NotFound extends StoreRefusal {
    public NotFound(String field, String message) {
      super(field, message);
    }
  }

  /** Conflicts with what is stored: the entity exists, or the job's state forbids the change. */
  public static final class Conflict extends StoreRefusal {
    public Conflict(String field, String message) {
      super(field, message);
    }
  }

  /** Refers to a parent, model, version or blob that does not exist or does not match. */
  public static final class Unprocessable extends StoreRefusal {
    public Unprocessable(String field, String message) {
      super(field, message);
    }
  }

  /** A value the store never accepts, whatever is stored. */
  public static final class Invalid extends StoreRefusal {
    public Invalid(String field, String message) {
      super(field, message);
    }
  }

  static NotFound notFound(String field, String message) {
    return new NotFound(field, message);
  }

  static Conflict conflict(String field, String message) {
    return new Conflict(field, message);
  }

  static Unprocessable unprocessable(String field, String message) {
    return new Unprocessable(field, message);
  }
}
