package io.prunegate.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable, order-preserving copies of the JSON-shaped maps the records carry. */
final class JsonMaps {

  private JsonMaps() {}

  /** An unmodifiable copy of a JSON object (values may be null); {@code null} becomes empty. */
  static Map<String, Object> object(Map<String, ?> map) {
    return map == null || map.isEmpty()
        ? Map.of()
        : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  /** An unmodifiable copy of a string map (no null keys or values); {@code null} becomes empty. */
  static Map<String, String> strings(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    for (Map.Entry<String, String> e : map.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new IllegalArgumentException("null key or value in " + map);
      }
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }
}
