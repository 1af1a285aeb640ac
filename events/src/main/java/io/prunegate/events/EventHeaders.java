package io.prunegate.events;

import java.nio.charset.StandardCharsets;

/** Kafka header names shared by every producer and consumer of PruneGate topics. */
public final class EventHeaders {

  /** Correlation id of a request, copied onto its result and any DLQ record. */
  public static final String CORRELATION_ID = "prunegate-correlation-id";

  /** Why a record was sent to the dead-letter topic (human-readable, names the field). */
  public static final String DLQ_REASON = "prunegate-dlq-reason";

  /** The field that made a record invalid, when there is one. */
  public static final String DLQ_FIELD = "prunegate-dlq-field";

  /** Topic the dead-lettered record was read from. */
  public static final String ORIGINAL_TOPIC = "prunegate-original-topic";

  /** Partition the dead-lettered record was read from (decimal string). */
  public static final String ORIGINAL_PARTITION = "prunegate-original-partition";

  /** Offset of the dead-lettered record (decimal string). */
  public static final String ORIGINAL_OFFSET = "prunegate-original-offset";

  /** Type of a model event, so consumers can filter without parsing the value. */
  public static final String EVENT_TYPE = "prunegate-event-type";

  /** Unique id of a model event, for deduplication. */
  public static final String EVENT_ID = "prunegate-event-id";

  private EventHeaders() {}

  /** UTF-8 bytes of a header value. */
  public static byte[] value(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Decodes a header value written with {@link #value(String)}; {@code null} stays null. */
  public static String text(byte[] value) {
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }
}
