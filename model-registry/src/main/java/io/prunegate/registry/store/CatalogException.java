package io.prunegate.registry.store;

/**
 * A catalog change or lookup the stored state refuses: no such entity, a conflict with what is
 * stored, or a reference to something that does not exist or does not match. It names the offending
 * field (a JSON path such as {@code artifacts[1].sha256}, or {@code model}) so that the API layer,
 * which alone decides HTTP status codes, can report it; the store knows nothing of HTTP.
 */
public abstract sealed class CatalogException extends RuntimeException
    permits CatalogException.NotFound, CatalogException.Conflict, CatalogException.Unprocessable {

  private final String field;

  private CatalogException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }

  /** No such model, version or alias. */
  public static final class NotFound extends CatalogException {
    NotFound(String field, String message) {
      super(field, message);
    }
  }

  /** Conflicts with what is stored (the entity exists already). */
  public static final class Conflict extends CatalogException {
    Conflict(String field, String message) {
      super(field, message);
    }
  }

  /** Refers to a parent, version or blob that does not exist or does not match. */
  public static final class Unprocessable extends CatalogException {
    Unprocessable(String field, String message) {
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
