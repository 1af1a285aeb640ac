package io.prunegate.experiments.policy;

/**
 * A decision policy is invalid. The message names the field as a path ({@code decision policy field
 * 'models.support-tickets.alpha': ...}) so that an operator knows what to fix.
 */
public final class DecisionPolicyException extends IllegalArgumentException {

  private final String field;

  /**
   * @param field the offending field's path, or empty for the document as a whole
   * @param message what is wrong with it
   */
  public DecisionPolicyException(String field, String message) {
    super(
        field == null || field.isEmpty()
            ? "decision policy: " + message
            : "decision policy field '" + field + "': " + message);
    this.field = field == null ? "" : field;
  }

  /** The offending field's path, empty for the document as a whole. */
  public String field() {
    return field;
  }

  /** The message without the field prefix. */
  String detail() {
    String prefix =
        field.isEmpty() ? "decision policy: " : "decision policy field '" + field + "': ";
    return getMessage().substring(prefix.length());
  }
}
