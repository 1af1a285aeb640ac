package io.prunegate.events;

/**
 * A record could not be decoded or failed validation. {@link #field()} names the offending field (a
 * JSON path such as {@code scores.joy}), or is {@code null} when the whole record is unreadable
 * (malformed JSON, invalid UTF-8); {@link #kind()} says what was wrong, so that callers can sort
 * failures without reading the message.
 */
public final class InvalidRecordException extends RuntimeException {

  /** What was wrong with the record. */
  public enum Kind {
    /** No bytes, or only whitespace. */
    EMPTY,
    /** Not JSON: a syntax error or trailing data. */
    MALFORMED_JSON,
    /** Valid JSON, but not an object. */
    NOT_AN_OBJECT,
    /** The bytes are not UTF-8. */
    INVALID_UTF8,
    /** Nested deeper than {@link EventJson#MAX_NESTING_DEPTH}. */
    TOO_DEEP,
    /** A key appears twice in one object. */
    DUPLICATE_KEY,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (a string where a number belongs, ...). */
    WRONG_TYPE,
    /** A field has the right type but a value outside its rules. */
    INVALID_VALUE;

    /** True for the kinds where the record as a whole is unreadable (no field is named). */
    public boolean unreadable() {
      return this == EMPTY
          || this == MALFORMED_JSON
          || this == NOT_AN_OBJECT
          || this == INVALID_UTF8
          || this == TOO_DEEP;
    }
  }

  private final Kind kind;
  private final String field;
  private final String reason;

  public InvalidRecordException(Kind kind, String field, String reason) {
    this(kind, field, reason, null);
  }

  public InvalidRecordException(Kind kind, String field, String reason, Throwable cause) {
    super(field == null ? reason : "field '" + field + "': " + reason, cause);
    this.kind = kind;
    this.field = field;
    this.reason = reason;
  }

  /** What is wrong, without the field: {@code "must not be empty"}. */
  public String reason() {
    return reason;
  }

  /** What was wrong. */
  public Kind kind() {
    return kind;
  }

  /** The offending field, or {@code null} when the record as a whole is unreadable. */
  public String field() {
    return field;
  }
}
