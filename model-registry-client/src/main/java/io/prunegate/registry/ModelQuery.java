package io.prunegate.registry;

/**
 * Filters and page of a model listing.
 *
 * @param text substring of the model name, or null
 * @param task exact task, or null
 * @param limit page size, 1..{@value Page#MAX_LIMIT}
 * @param offset items to skip
 */
public record ModelQuery(String text, String task, int limit, int offset) {

  public ModelQuery {
    if (limit < 1 || limit > Page.MAX_LIMIT) {
      throw RegistryProblem.invalid(
          "limit", "limit must be between 1 and " + Page.MAX_LIMIT + ", was " + limit);
    }
    if (offset < 0) {
      throw RegistryProblem.invalid("offset", "offset must be >= 0, was " + offset);
    }
  }

  /** Every model, first page. */
  public static ModelQuery all() {
    return new ModelQuery(null, null, Page.DEFAULT_LIMIT, 0);
  }

  public ModelQuery page(int newLimit, int newOffset) {
    return new ModelQuery(text, task, newLimit, newOffset);
  }
}
