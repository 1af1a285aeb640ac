package io.prunegate.events;

/**
 * A record could not be decoded or failed validation. {@link #field()} names the offending field (a
 * JSON path such as {@code scores.joy}), or is {@code null} when the whole record is unreadable
 * (malformed JSON, invalid UTF-8).
 */
public final class InvalidRecordException extends RuntimeException {

  private final String field;

  public InvalidRecordException(String field, String reason) {
    super(field == null ? reason : "field '" + field + "': " + reason);
    this.field = field;
  }

  public InvalidRecordException(String field, String reason, Throwable cause) {
    super(field == null ? reason : "field '" + field + "': " + reason, cause);
    this.field = field;
  }

  /** The offending field, or {@code null} when the record as a whole is unreadable. */
  public String field() {
    return field;
  }
}
