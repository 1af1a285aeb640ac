package io.prunegate.pruner.policy;

/**
 * A compression policy (or a part a method reads) is invalid. The message names the field, e.g.
 * {@code policy field 'methods[0].selection': ...}, so a failed job tells the operator what to fix.
 */
public final class PolicyException extends IllegalArgumentException {

  private final String field;

  /**
   * @param field the offending field as a path ({@code data.train}, {@code methods[1].ratios}), or
   *     empty for the document as a whole
   * @param message what is wrong with it
   */
  public PolicyException(String field, String message) {
    super(
        field == null || field.isEmpty()
            ? "policy: " + message
            : "policy field '" + field + "': " + message);
    this.field = field == null ? "" : field;
  }

  /** The offending field's path, empty for the document as a whole. */
  public String field() {
    return field;
  }
}
