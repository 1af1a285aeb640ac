package io.prunegate.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The one configured Jackson mapper of the events wire family: snake_case names, absent optionals
 * omitted, and strict reading (duplicate keys, wrong scalar types, fractions for integers, nulls
 * for primitives, numbers for enums and nesting deeper than {@link #MAX_NESTING_DEPTH} all fail).
 * Unknown fields are ignored so that newer producers can add fields.
 */
final class EventJson {

  /** Deepest nesting of objects and arrays a record may have. */
  static final int MAX_NESTING_DEPTH = 64;

  static final JsonMapper MAPPER =
      StrictJson.builder(MAX_NESTING_DEPTH)
          // null members are left out; null values inside maps (model-event details) are kept
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
          // repeated keys are found by the tree reader, which names them (EventCodec)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .build();

  private EventJson() {}
}
