package io.prunegate.registry.store;

import io.prunegate.registry.RegistryJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The JSON columns of the catalog's tables: parameters, metrics and labels as JSON text. */
final class CatalogJson {

  private CatalogJson() {}

  static String json(Object value) {
    return RegistryJson.writeString(RegistryJson.toTree(value));
  }

  static Map<String, Object> object(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    return RegistryJson.toMap(
        RegistryJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  static List<String> stringList(String json) {
    List<String> out = new ArrayList<>();
    RegistryJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .forEach(n -> out.add(n.asText()));
    return out;
  }
}
