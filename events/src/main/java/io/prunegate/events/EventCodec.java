package io.prunegate.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.CharConversionException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one JSON codec of PruneGate's wire records. Decoding is strict: malformed JSON, invalid
 * UTF-8, duplicate keys, missing required fields and wrong types raise an {@link
 * InvalidRecordException} that names the field; unknown fields are ignored so that newer producers
 * can add fields. Encoding writes snake_case field names and omits absent optional fields.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class EventCodec {

  private static final EventCodec INSTANCE = new EventCodec();

  private final ObjectMapper mapper;

  private EventCodec() {
    this.mapper =
        JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
  }

  /** The shared instance. */
  public static EventCodec get() {
    return INSTANCE;
  }

  // ---------------------------------------------------------------- requests

  public byte[] encode(ClassificationRequest r) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", r.id());
    o.put("text", r.text());
    o.put("model", r.model());
    if (r.key() != null) {
      o.put("key", r.key());
    }
    if (r.deadlineMs() != null) {
      o.put("deadline_ms", r.deadlineMs());
    }
    return write(o);
  }

  public ClassificationRequest decodeRequest(byte[] json) {
    JsonFields f = JsonFields.of(read(json));
    String id = f.requiredNonEmptyText("id");
    String text = f.requiredNonEmptyText("text");
    String model = f.requiredNonEmptyText("model");
    try {
      ModelRef.parse(model);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("model", e.getMessage());
    }
    String key = f.optionalText("key");
    Long deadline = f.optionalLong("deadline_ms");
    if (deadline != null && deadline < 0) {
      throw new InvalidRecordException("deadline_ms", "must not be negative");
    }
    return new ClassificationRequest(id, text, model, key, deadline);
  }

  // ---------------------------------------------------------------- results

  public byte[] encode(ClassificationResult r) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", r.id());
    o.put("status", r.status().wireName());
    if (r.label() != null) {
      o.put("label", r.label());
    }
    if (!r.scores().isEmpty()) {
      ObjectNode scores = o.putObject("scores");
      r.scores().forEach(scores::put);
    }
    if (r.model() != null) {
      o.put("model", r.model());
    }
    if (r.version() != null) {
      o.put("version", r.version());
    }
    if (r.variant() != null) {
      o.put("variant", r.variant());
    }
    if (r.exitLayer() != null) {
      o.put("exit_layer", r.exitLayer());
    }
    o.put("latency_ms", r.latencyMs());
    if (r.error() != null) {
      o.put("error", r.error());
    }
    if (r.truncated()) {
      o.put("truncated", true);
    }
    return write(o);
  }

  public ClassificationResult decodeResult(byte[] json) {
    JsonFields f = JsonFields.of(read(json));
    String id = f.requiredNonEmptyText("id");
    String statusName = f.requiredText("status");
    ResultStatus status = ResultStatus.fromWire(statusName);
    if (status == null) {
      throw new InvalidRecordException(
          "status", "unknown status '" + statusName + "' (ok|rejected|expired|error)");
    }
    String label = f.optionalText("label");
    if (status == ResultStatus.OK && label == null) {
      throw new InvalidRecordException("label", "is required when status is ok");
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    JsonFields s = f.optionalObject("scores");
    if (s != null) {
      for (String name : s.fieldNames()) {
        scores.put(name, s.requiredDouble(name));
      }
    }
    return new ClassificationResult(
        id,
        label,
        scores,
        f.optionalText("model"),
        f.optionalInt("version"),
        f.optionalText("variant"),
        f.optionalInt("exit_layer"),
        status,
        f.requiredDouble("latency_ms"),
        f.optionalText("error"),
        f.optionalBoolean("truncated", false));
  }

  // ---------------------------------------------------------------- feedback

  public byte[] encode(Feedback r) {
    ObjectNode o = mapper.createObjectNode();
    o.put("id", r.id());
    o.put("label", r.label());
    if (r.model() != null) {
      o.put("model", r.model());
    }
    o.put("timestamp_ms", r.timestampMs());
    return write(o);
  }

  public Feedback decodeFeedback(byte[] json) {
    JsonFields f = JsonFields.of(read(json));
    Long ts = f.optionalLong("timestamp_ms");
    return new Feedback(
        f.requiredNonEmptyText("id"),
        f.requiredNonEmptyText("label"),
        f.optionalText("model"),
        ts == null ? 0L : ts);
  }

  // ---------------------------------------------------------------- model events

  public byte[] encode(ModelEvent e) {
    ObjectNode o = mapper.createObjectNode();
    o.put("event_id", e.eventId());
    o.put("schema_version", e.schemaVersion());
    o.put("type", e.type());
    o.put("occurred_at_ms", e.occurredAtMs());
    o.put("sequence", e.sequence());
    o.put("model", e.model());
    if (e.version() != null) {
      o.put("version", e.version());
    }
    if (e.alias() != null) {
      o.put("alias", e.alias());
    }
    if (e.parentVersion() != null) {
      o.put("parent_version", e.parentVersion());
    }
    if (e.method() != null) {
      o.put("method", e.method());
    }
    if (e.jobId() != null) {
      o.put("job_id", e.jobId());
    }
    o.set("details", mapper.valueToTree(e.details()));
    return write(o);
  }

  public ModelEvent decodeModelEvent(byte[] json) {
    JsonFields f = JsonFields.of(read(json));
    String eventId = f.requiredNonEmptyText("event_id");
    int schema = f.requiredInt("schema_version");
    if (schema < 1) {
      throw new InvalidRecordException("schema_version", "must be >= 1, was " + schema);
    }
    String model = f.requiredNonEmptyText("model");
    if (!ModelRef.isValidName(model)) {
      throw new InvalidRecordException("model", "invalid model name '" + model + "'");
    }
    JsonFields details = f.optionalObject("details");
    Map<String, Object> detailMap =
        details == null ? Map.of() : mapper.convertValue(details.raw(), MAP_TYPE);
    return new ModelEvent(
        eventId,
        schema,
        f.requiredNonEmptyText("type"),
        f.requiredLong("occurred_at_ms"),
        f.requiredLong("sequence"),
        model,
        f.optionalInt("version"),
        f.optionalText("alias"),
        f.optionalInt("parent_version"),
        f.optionalText("method"),
        f.optionalText("job_id"),
        detailMap);
  }

  // ---------------------------------------------------------------- plumbing

  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_TYPE =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  private JsonNode read(byte[] json) {
    if (json == null || json.length == 0) {
      throw new InvalidRecordException(null, "empty record");
    }
    try (JsonParser p = mapper.createParser(json)) {
      JsonNode node = mapper.readTree(p);
      if (node == null) {
        throw new InvalidRecordException(null, "empty record");
      }
      return node;
    } catch (CharConversionException e) {
      throw new InvalidRecordException(null, "invalid UTF-8: " + firstLine(e), e);
    } catch (JsonProcessingException e) {
      String msg = e.getOriginalMessage();
      if (msg != null && msg.startsWith("Duplicate field")) {
        String field = msg.replaceAll("^Duplicate field '([^']*)'.*$", "$1");
        throw new InvalidRecordException(field, "appears more than once", e);
      }
      if (msg != null && msg.contains("Invalid UTF-8")) {
        throw new InvalidRecordException(null, "invalid UTF-8: " + firstLine(e), e);
      }
      throw new InvalidRecordException(null, "malformed JSON: " + firstLine(e), e);
    } catch (IOException e) {
      throw new InvalidRecordException(null, "unreadable record: " + e.getMessage(), e);
    }
  }

  private byte[] write(ObjectNode o) {
    try {
      return mapper.writeValueAsBytes(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + o, e);
    }
  }

  private static String firstLine(Exception e) {
    String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
