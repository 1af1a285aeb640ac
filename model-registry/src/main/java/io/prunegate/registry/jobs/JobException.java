package io.prunegate.registry.jobs;

/**
 * A job-queue change or lookup the stored state refuses: no such job, a job held by another worker
 * or already ended, a job for a model or version that does not exist, or a value a job cannot take
 * (progress outside 0..1, a lease that is not positive). Like the catalog's {@link
 * io.prunegate.registry.store.CatalogException} it names the offending field and leaves HTTP status
 * codes to the API layer, which alone maps refusals to the wire.
 */
public abstract sealed class JobException extends RuntimeException
    permits JobException.NotFound,
        JobException.Conflict,
        JobException.Unprocessable,
        JobException.Invalid {

  private final String field;

  private JobException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The offending field, or {@code null}. */
  public String field() {
    return field;
  }

  /** No such job. */
  public static final class NotFound extends JobException {
    NotFound(String field, String message) {
      super(field, message);
    }
  }

  /**
   * Conflicts with the job's state: held by another worker, not claimed, already ended, or an
   * idempotency key used for another job.
   */
  public static final class Conflict extends JobException {
    Conflict(String field, String message) {
      super(field, message);
    }
  }

  /** Refers to a model or version that does not exist. */
  public static final class Unprocessable extends JobException {
    Unprocessable(String field, String message) {
      super(field, message);
    }
  }

  /** A value no job accepts, whatever is stored. */
  public static final class Invalid extends JobException {
    Invalid(String field, String message) {
      super(field, message);
    }
  }
}
