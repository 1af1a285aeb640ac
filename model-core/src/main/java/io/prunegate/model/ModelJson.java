package io.prunegate.model;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapper of the model file family: {@code config.json}, {@code manifest.json}, the
 * safetensors headers and their metadata (chips), and sharded weight indexes. Reading ignores
 * unknown properties (Hugging Face configs carry many keys the runtime does not use, and newer
 * manifests may add fields); {@link #pretty()} writes the files people read, indented with {@code
 * \n} line ends on every platform; compact writing ({@link #mapper()}) is for headers.
 */
public final class ModelJson {

  private static final JsonMapper MAPPER =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE.withLinefeed("\n")));

  private ModelJson() {}

  /** The mapper: reads leniently, writes compact JSON. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** The writer of the human-readable files ({@code config.json}, {@code manifest.json}). */
  public static ObjectWriter pretty() {
    return PRETTY;
  }
}
