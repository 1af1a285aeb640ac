package io.prunegate.registry;

import java.util.List;

/**
 * One page of a listing.
 *
 * @param items the items of this page
 * @param total how many items match in all
 * @param limit the page size asked for
 * @param offset how many matching items come before this page
 */
public record Page<T>(List<T> items, long total, int limit, int offset) {

  /** Largest page size a listing returns. */
  public static final int MAX_LIMIT = 500;

  /** Page size when none is asked for. */
  public static final int DEFAULT_LIMIT = 50;

  public Page {
    items = List.copyOf(items);
  }

  /** True when more items follow this page. */
  public boolean hasMore() {
    return offset + items.size() < total;
  }
}
