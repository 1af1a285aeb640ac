package io.prunegate.pruner;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.util.Map;

/**
 * The one JSON mapper of the pruner's own wire formats (variant metrics, the Pareto report, the job
 * result, the candidate checkpoint): records in, snake_case keys in the order each record declares
 * with {@code @JsonPropertyOrder}, doubles as Java writes them ({@code 1.5E9}), absent optionals
 * left out. Reading rejects duplicate keys but ignores unknown ones, as the hand-written readers it
 * replaces did: a registered version's metrics carry more keys than {@code VariantMetrics}.
 */
public final class PrunerJson {

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .addModule(new Jdk8Module())
          .build();

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private PrunerJson() {}

  /** The configured mapper. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** {@code value} as plain JSON values (insertion-ordered maps), e.g. for the registry client. */
  public static Map<String, Object> toMap(Object value) {
    return MAPPER.convertValue(value, MAP);
  }

  /** {@code value} as a JSON tree. */
  public static JsonNode toTree(Object value) {
    return MAPPER.valueToTree(value);
  }

  /** Binds plain JSON values (as the registry hands them back) to {@code type}. */
  public static <T> T fromMap(Map<String, ?> map, Class<T> type) {
    return MAPPER.convertValue(map, type);
  }

  /** {@code value} as compact UTF-8 JSON. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  /** Reads {@code json} as {@code type}. */
  public static <T> T read(byte[] json, Class<T> type) throws IOException {
    return MAPPER.readValue(json, type);
  }
}
