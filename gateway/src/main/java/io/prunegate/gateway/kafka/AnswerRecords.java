package io.prunegate.gateway.kafka;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.EventHeaders;
import io.prunegate.events.InvalidRecordException;
import io.prunegate.events.Topics;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The records the gateway writes for a request record: its result (keyed like the request, with the
 * correlation id), its shadow copy's result (the same record on the shadow-results topic) or its
 * dead letter (the original key, value and headers, plus the reason, the offending field and the
 * original topic, partition and offset).
 */
public final class AnswerRecords {

  private final String resultsTopic;
  private final String shadowResultsTopic;
  private final String deadLetterTopic;

  public AnswerRecords(Topics topics) {
    this.resultsTopic = topics.results();
    this.shadowResultsTopic = topics.shadowResults();
    this.deadLetterTopic = topics.deadLetter();
  }

  /** The result record answering {@code request}. */
  public ProducerRecord<byte[], byte[]> result(
      ConsumerRecord<byte[], byte[]> request, ClassificationResult result) {
    return result(resultsTopic, request, result);
  }

  /** The record of the shadow copy's answer to {@code request}: keyed and built like its result. */
  public ProducerRecord<byte[], byte[]> shadowResult(
      ConsumerRecord<byte[], byte[]> request, ClassificationResult result) {
    return result(shadowResultsTopic, request, result);
  }

  private static ProducerRecord<byte[], byte[]> result(
      String topic, ConsumerRecord<byte[], byte[]> request, ClassificationResult result) {
    byte[] key =
        request.key() != null ? request.key() : result.id().getBytes(StandardCharsets.UTF_8);
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(topic, key, EventCodec.get().encode(result));
    Header corr = request.headers().lastHeader(EventHeaders.CORRELATION_ID);
    out.headers()
        .add(
            EventHeaders.CORRELATION_ID,
            corr != null ? corr.value() : EventHeaders.value(result.id()));
    return out;
  }

  /**
   * The dead letter for an undecodable request.
   *
   * @param keepValue false to drop the original value (it was too large for the DLQ topic)
   */
  public ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> request, String reason, String field, boolean keepValue) {
    ProducerRecord<byte[], byte[]> out =
        new ProducerRecord<>(
            deadLetterTopic, null, request.key(), keepValue ? request.value() : null);
    for (Header h : request.headers()) {
      out.headers().add(h);
    }
    String why =
        keepValue
            ? reason
            : reason
                + " (original value of "
                + (request.value() == null ? 0 : request.value().length)
                + " bytes dropped: too large for the dead-letter topic)";
    out.headers().add(EventHeaders.DLQ_REASON, EventHeaders.value(why));
    if (field != null) {
      out.headers().add(EventHeaders.DLQ_FIELD, EventHeaders.value(field));
    }
    out.headers().add(EventHeaders.ORIGINAL_TOPIC, EventHeaders.value(request.topic()));
    out.headers()
        .add(
            EventHeaders.ORIGINAL_PARTITION,
            EventHeaders.value(String.valueOf(request.partition())));
    out.headers()
        .add(EventHeaders.ORIGINAL_OFFSET, EventHeaders.value(String.valueOf(request.offset())));
    return out;
  }

  /** The metrics label of a record refused outside the codec (its constructor's rules). */
  public static final String INVALID = "invalid";

  /**
   * A short label for the kind of decoding failure (metrics tag): {@code empty}, {@code
   * invalid_utf8}, {@code malformed_json}, {@code invalid_field}, or {@value #INVALID} when no
   * field is named. Taken from the exception's kind, not its message.
   */
  public static String reasonKind(InvalidRecordException e) {
    return switch (e.kind()) {
      case EMPTY -> "empty";
      case INVALID_UTF8 -> "invalid_utf8";
      case MALFORMED_JSON, NOT_AN_OBJECT, TOO_DEEP -> "malformed_json";
      case DUPLICATE_KEY, MISSING_FIELD, WRONG_TYPE, INVALID_VALUE ->
          e.field() != null ? "invalid_field" : INVALID;
    };
  }
}
