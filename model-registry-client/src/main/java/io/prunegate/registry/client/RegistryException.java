package io.prunegate.registry.client;

/**
 * The registry answered with an error: its HTTP status and the {@code error} and {@code field} of
 * its JSON body. 4xx errors are the caller's to fix and are never retried; 5xx errors are thrown
 * once the retries are used up.
 */
public class RegistryException extends RuntimeException {

  private final int status;
  private final String error;
  private final String field;

  public RegistryException(int status, String error, String field) {
    super(
        "registry answered "
            + status
            + ": "
            + error
            + (field == null ? "" : " (field " + field + ")"));
    this.status = status;
    this.error = error;
    this.field = field;
  }

  /** The HTTP status. */
  public int status() {
    return status;
  }

  /** The server's error message. */
  public String error() {
    return error;
  }

  /** The offending field, or null. */
  public String field() {
    return field;
  }

  /** True for server errors (5xx), the only answers worth retrying. */
  public boolean isRetryable() {
    return status >= 500;
  }
}
