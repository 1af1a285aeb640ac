package io.prunegate.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.prunegate.events.InvalidRecordException.Kind;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON codec of PruneGate's wire records, on the events mapper ({@link EventJson}).
 * Decoding is strict: malformed JSON, invalid UTF-8, duplicate keys, too deep nesting, missing
 * required fields and wrong types raise an {@link InvalidRecordException} that names the field (a
 * path taken from Jackson's exception, such as {@code scores.joy}) and says what kind of failure it
 * is; unknown fields are ignored so that newer producers can add fields. Encoding writes snake_case
 * field names and omits absent optional fields.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EventCodec {

  private static final EventCodec INSTANCE = new EventCodec();

  private EventCodec() {}

  /** The shared instance. */
  public static EventCodec get() {
    return INSTANCE;
  }

  // ---------------------------------------------------------------- wire shapes

  // One record per wire record, in wire field order; boxed where the wire may omit a field, so
  // that decoding can tell "absent" from a value and name what is missing.

  private record RequestWire(String id, String text, String model, String key, Long deadlineMs) {}

  private record ResultWire(
      String id,
      String status,
      String label,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Double> scores,
      String model,
      Integer version,
      String variant,
      Integer exitLayer,
      Double latencyMs,
      String error,
      Boolean truncated) {}

  private record FeedbackWire(String id, String label, String model, Long timestampMs) {}

  private record ModelEventWire(
      String eventId,
      Integer schemaVersion,
      String type,
      Long occurredAtMs,
      Long sequence,
      String model,
      Integer version,
      String alias,
      Integer parentVersion,
      String method,
      String jobId,
      Map<String, Object> details) {}

  // ---------------------------------------------------------------- requests

  public byte[] encode(ClassificationRequest r) {
    return write(new RequestWire(r.id(), r.text(), r.model(), r.key(), r.deadlineMs()));
  }

  public ClassificationRequest decodeRequest(byte[] json) {
    RequestWire w = read(json, RequestWire.class);
    return RequestRules.request(w.id(), w.text(), w.model(), w.key(), w.deadlineMs());
  }

  // ---------------------------------------------------------------- results

  public byte[] encode(ClassificationResult r) {
    return write(
        new ResultWire(
            r.id(),
            r.status().wireName(),
            r.label(),
            r.scores(),
            r.model(),
            r.version(),
            r.variant(),
            r.exitLayer(),
            r.latencyMs(),
            r.error(),
            r.truncated() ? Boolean.TRUE : null));
  }

  public ClassificationResult decodeResult(byte[] json) {
    ResultWire w = read(json, ResultWire.class);
    String id = nonEmpty(w.id(), "id");
    String statusName = required(w.status(), "status");
    ResultStatus status = ResultStatus.fromWire(statusName);
    if (status == null) {
      throw new InvalidRecordException(
          Kind.INVALID_VALUE,
          "status",
          "unknown status '" + statusName + "' (ok|rejected|expired|error)");
    }
    if (status == ResultStatus.OK && w.label() == null) {
      throw new InvalidRecordException(
          Kind.MISSING_FIELD, "label", "is required when status is ok");
    }
    Map<String, Double> scores = w.scores() == null ? Map.of() : w.scores();
    scores.forEach((name, score) -> required(score, "scores." + name));
    return new ClassificationResult(
        id,
        w.label(),
        scores,
        w.model(),
        w.version(),
        w.variant(),
        w.exitLayer(),
        status,
        required(w.latencyMs(), "latency_ms"),
        w.error(),
        Boolean.TRUE.equals(w.truncated()));
  }

  // ---------------------------------------------------------------- feedback

  public byte[] encode(Feedback r) {
    return write(new FeedbackWire(r.id(), r.label(), r.model(), r.timestampMs()));
  }

  public Feedback decodeFeedback(byte[] json) {
    FeedbackWire w = read(json, FeedbackWire.class);
    return new Feedback(
        nonEmpty(w.id(), "id"),
        nonEmpty(w.label(), "label"),
        w.model(),
        w.timestampMs() == null ? 0L : w.timestampMs());
  }

  // ---------------------------------------------------------------- model events

  public byte[] encode(ModelEvent e) {
    return write(
        new ModelEventWire(
            e.eventId(),
            e.schemaVersion(),
            e.type(),
            e.occurredAtMs(),
            e.sequence(),
            e.model(),
            e.version(),
            e.alias(),
            e.parentVersion(),
            e.method(),
            e.jobId(),
            e.details()));
  }

  public ModelEvent decodeModelEvent(byte[] json) {
    ModelEventWire w = read(json, ModelEventWire.class);
    String eventId = nonEmpty(w.eventId(), "event_id");
    int schema = required(w.schemaVersion(), "schema_version");
    if (schema < 1) {
      throw new InvalidRecordException(
          Kind.INVALID_VALUE, "schema_version", "must be >= 1, was " + schema);
    }
    String model = nonEmpty(w.model(), "model");
    if (!ModelRef.isValidName(model)) {
      throw new InvalidRecordException(
          Kind.INVALID_VALUE, "model", "invalid model name '" + model + "'");
    }
    return new ModelEvent(
        eventId,
        schema,
        nonEmpty(w.type(), "type"),
        required(w.occurredAtMs(), "occurred_at_ms"),
        required(w.sequence(), "sequence"),
        model,
        w.version(),
        w.alias(),
        w.parentVersion(),
        w.method(),
        w.jobId(),
        w.details() == null ? Map.of() : new LinkedHashMap<>(w.details()));
  }

  // ---------------------------------------------------------------- plumbing

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidRecordException(Kind.MISSING_FIELD, field, "is required");
    }
    return value;
  }

  private static String nonEmpty(String value, String field) {
    if (required(value, field).isEmpty()) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, field, "must not be empty");
    }
    return value;
  }

  private static byte[] write(Object wire) {
    try {
      return EventJson.MAPPER.writeValueAsBytes(wire);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + wire, e);
    }
  }

  /**
   * Reads {@code json} in two steps: the tree (syntax, UTF-8, duplicate keys, nesting), then the
   * binding to {@code type} (types and ranges, with the failing field's path).
   */
  private static <T> T read(byte[] json, Class<T> type) {
    JsonNode node = tree(json);
    if (!node.isObject()) {
      throw new InvalidRecordException(
          Kind.NOT_AN_OBJECT,
          null,
          "record must be a JSON object, was " + describe(node.asToken()));
    }
    try {
      return EventJson.MAPPER.treeToValue(node, type);
    } catch (JsonMappingException e) {
      throw bindingFailure(e);
    } catch (JsonProcessingException e) {
      throw new InvalidRecordException(Kind.INVALID_VALUE, null, firstLine(e), e);
    }
  }

  private static JsonNode tree(byte[] json) {
    if (json == null || json.length == 0) {
      throw new InvalidRecordException(Kind.EMPTY, null, "empty record");
    }
    try (JsonParser p = EventJson.MAPPER.createParser(json)) {
      // trailing tokens are checked here, not by the reader, so that the reader's only mismatch
      // is a repeated key (FAIL_ON_READING_DUP_TREE_KEY)
      JsonNode node =
          EventJson.MAPPER
              .reader()
              .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .readTree(p);
      if (node == null || node.isMissingNode()) {
        throw new InvalidRecordException(Kind.EMPTY, null, "empty record");
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new InvalidRecordException(
            Kind.MALFORMED_JSON,
            null,
            "malformed JSON: " + describe(trailing) + " after the record");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw new InvalidRecordException(Kind.TOO_DEEP, null, "malformed JSON: " + firstLine(e), e);
    } catch (CharConversionException e) {
      throw new InvalidRecordException(
          Kind.INVALID_UTF8, null, "invalid UTF-8: " + firstLine(e), e);
    } catch (MismatchedInputException e) {
      throw new InvalidRecordException(
          Kind.DUPLICATE_KEY, repeatedKey(e), "appears more than once", e);
    } catch (JsonProcessingException e) {
      long at = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
      int bad = firstInvalidUtf8(json);
      if (bad >= 0 && (at < 0 || at >= bad)) {
        throw new InvalidRecordException(
            Kind.INVALID_UTF8, null, "invalid UTF-8: " + firstLine(e), e);
      }
      throw new InvalidRecordException(
          Kind.MALFORMED_JSON, null, "malformed JSON: " + firstLine(e), e);
    } catch (IOException e) {
      throw new InvalidRecordException(
          Kind.MALFORMED_JSON, null, "unreadable record: " + e.getMessage(), e);
    }
  }

  /** The binding failure as a field-naming exception; the field is Jackson's path. */
  private static InvalidRecordException bindingFailure(JsonMappingException e) {
    String field = path(e);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof InputCoercionException c && c.getProcessor() != null) {
        Class<?> target = c.getTargetType();
        if (target == Integer.TYPE || target == Integer.class) {
          return new InvalidRecordException(
              Kind.INVALID_VALUE,
              field,
              "is out of range for a 32-bit integer: " + text(c.getProcessor()),
              e);
        }
        return new InvalidRecordException(
            Kind.WRONG_TYPE, field, "must be an integer, was a number", e);
      }
    }
    if (e instanceof MismatchedInputException m && m.getProcessor() instanceof JsonParser p) {
      return new InvalidRecordException(
          Kind.WRONG_TYPE,
          field,
          "must be " + describe(m.getTargetType()) + ", was " + describe(p.currentToken()),
          e);
    }
    return new InvalidRecordException(Kind.INVALID_VALUE, field, firstLine(e), e);
  }

  /** {@code a.b[2].c} from Jackson's reference path. */
  private static String path(JsonMappingException e) {
    return StrictJson.path(e.getPath());
  }

  /**
   * The key the tree reader found twice. The parser's context is the object holding it (a scalar
   * value) or the container just opened as its value, whose parent holds it.
   */
  private static String repeatedKey(MismatchedInputException e) {
    if (!(e.getProcessor() instanceof JsonParser p)) {
      return null;
    }
    JsonStreamContext ctx = p.getParsingContext();
    if (ctx != null && ctx.getCurrentName() == null) {
      ctx = ctx.getParent();
    }
    return ctx == null ? null : ctx.getCurrentName();
  }

  private static String text(JsonParser p) {
    try {
      return p.getText();
    } catch (IOException e) {
      return "?";
    }
  }

  /** Index of the first byte that is not valid UTF-8, or -1. */
  private static int firstInvalidUtf8(byte[] json) {
    CharsetDecoder d =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(json);
    try {
      d.decode(in);
      return -1;
    } catch (CharacterCodingException e) {
      return in.position();
    }
  }

  private static String describe(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (CharSequence.class.isAssignableFrom(type)) {
      return "a string";
    }
    if (type == Integer.class || type == Long.class || type == Integer.TYPE || type == Long.TYPE) {
      return "an integer";
    }
    if (Number.class.isAssignableFrom(type) || type == Double.TYPE || type == Float.TYPE) {
      return "a number";
    }
    if (type == Boolean.class || type == Boolean.TYPE) {
      return "a boolean";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "an object";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "an array";
    }
    return "a " + type.getSimpleName();
  }

  private static String describe(JsonToken t) {
    if (t == null) {
      return "nothing";
    }
    return switch (t) {
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case START_ARRAY -> "an array";
      case START_OBJECT -> "an object";
      case VALUE_NULL -> "null";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static String firstLine(Exception e) {
    String m = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
