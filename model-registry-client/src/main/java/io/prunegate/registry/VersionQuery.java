package io.prunegate.registry;

import java.util.ArrayList;
import java.util.List;

/**
 * Filters and page of a version listing. All filters are optional and combine with AND.
 *
 * @param model versions of this model only, or null for all models
 * @param method this compression method only ({@code base} for base versions), or null
 * @param parentVersion versions derived from this version only, or null
 * @param tags tags every version must carry: a key with a value, or a key alone (any value)
 * @param limit page size, 1..{@value Page#MAX_LIMIT}
 * @param offset items to skip
 */
public record VersionQuery(
    String model,
    String method,
    Integer parentVersion,
    List<TagFilter> tags,
    int limit,
    int offset) {

  /** A tag condition: the key must be present, with {@code value} unless it is null. */
  public record TagFilter(String key, String value) {

    /** Parses {@code key:value} or {@code key}. */
    public static TagFilter parse(String text) {
      int colon = text.indexOf(':');
      TagFilter f =
          colon < 0
              ? new TagFilter(text, null)
              : new TagFilter(text.substring(0, colon), text.substring(colon + 1));
      NameRules.requireTag(f.key, f.value == null ? "" : f.value, "tag");
      return f;
    }

    /** {@code key:value} or {@code key}. */
    public String format() {
      return value == null ? key : key + ":" + value;
    }
  }

  public VersionQuery {
    tags = JsonMaps.list(tags);
    if (limit < 1 || limit > Page.MAX_LIMIT) {
      throw RegistryProblem.invalid(
          "limit", "limit must be between 1 and " + Page.MAX_LIMIT + ", was " + limit);
    }
    if (offset < 0) {
      throw RegistryProblem.invalid("offset", "offset must be >= 0, was " + offset);
    }
  }

  /** Every version of {@code model}, first page. */
  public static VersionQuery of(String model) {
    return new VersionQuery(model, null, null, List.of(), Page.DEFAULT_LIMIT, 0);
  }

  /** Every version of every model, first page. */
  public static VersionQuery all() {
    return of(null);
  }

  public VersionQuery withMethod(String value) {
    return new VersionQuery(model, value, parentVersion, tags, limit, offset);
  }

  public VersionQuery withParent(Integer value) {
    return new VersionQuery(model, method, value, tags, limit, offset);
  }

  /** Adds a tag condition; a null value matches any value of the key. */
  public VersionQuery withTag(String key, String value) {
    List<TagFilter> more = new ArrayList<>(tags);
    more.add(new TagFilter(key, value));
    return new VersionQuery(model, method, parentVersion, more, limit, offset);
  }

  public VersionQuery page(int newLimit, int newOffset) {
    return new VersionQuery(model, method, parentVersion, tags, newLimit, newOffset);
  }
}
