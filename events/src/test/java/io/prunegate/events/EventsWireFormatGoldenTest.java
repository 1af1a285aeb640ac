package io.prunegate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prunegate.testing.GoldenFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes {@link EventCodec} writes for every wire record, and the field and message of its
 * errors, against {@code src/test/resources/golden/events}. Run with {@code -Dgolden.update=true}
 * to rewrite the files after an intentional wire change.
 */
class EventsWireFormatGoldenTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("events");

  private final EventCodec codec = EventCodec.get();

  // ---------------------------------------------------------------- fixed instances

  static final ClassificationRequest REQUEST_FULL =
      new ClassificationRequest(
          "req-0001",
          "Ünïcødé ☃ with \"quotes\", a tab\t, a newline\n and </script>",
          "sentiment@challenger",
          "user-7",
          1767225600000L);

  static final ClassificationRequest REQUEST_MINIMAL =
      ClassificationRequest.of("req-0002", "short", "sentiment:3");

  static final ClassificationResult RESULT_OK_FULL =
      ClassificationResult.ok(
          "req-0001", "joy", scores(), "emotion", 3, "challenger", 6, 12.5, true);

  static final ClassificationResult RESULT_OK_MINIMAL =
      new ClassificationResult(
          "req-0003", "joy", Map.of(), null, null, null, null, ResultStatus.OK, 0.0, null, false);

  static final ClassificationResult RESULT_REJECTED =
      ClassificationResult.failed(
          "req-0004", "emotion", ResultStatus.REJECTED, "unknown model 'emotion'", 0.25);

  static final ClassificationResult RESULT_EXPIRED =
      ClassificationResult.failed(
          "req-0005", "emotion", ResultStatus.EXPIRED, "deadline passed", 3);

  static final ClassificationResult RESULT_ERROR =
      ClassificationResult.failed(
          "req-0006", null, ResultStatus.ERROR, "inference failed: out of memory", 1024.75);

  static final Feedback FEEDBACK_FULL = new Feedback("req-0001", "joy", "emotion", 1767225600123L);

  static final Feedback FEEDBACK_MINIMAL = new Feedback("req-0002", "anger", null, 0L);

  static final ModelEvent MODEL_EVENT_FULL =
      new ModelEvent(
          "6f1c2a9e-0000-4000-8000-000000000001",
          ModelEvent.SCHEMA_VERSION,
          ModelEventType.VARIANT_REGISTERED.wireName(),
          1767225600000L,
          7,
          "sst2-bge",
          2,
          "challenger",
          1,
          "chip",
          "job-0001",
          details());

  static final ModelEvent MODEL_EVENT_MINIMAL =
      new ModelEvent(
          "6f1c2a9e-0000-4000-8000-000000000002",
          ModelEvent.SCHEMA_VERSION,
          ModelEventType.MODEL_CREATED.wireName(),
          0L,
          1,
          "m",
          null,
          null,
          null,
          null,
          null,
          Map.of());

  private static Map<String, Double> scores() {
    Map<String, Double> s = new LinkedHashMap<>();
    s.put("sadness", 0.125);
    s.put("joy", 0.625);
    s.put("anger", 0.25);
    return s;
  }

  private static Map<String, Object> details() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("depth", 8);
    nested.put("kind", "linear");
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("accuracy", 0.875);
    d.put("layers_kept", 8);
    d.put("parameters", 5_000_000_000L);
    d.put("early_exit", true);
    d.put("reason", null);
    d.put("depths", List.of(4, 8));
    d.put("chip", nested);
    return d;
  }

  // ---------------------------------------------------------------- encoded forms

  @Test
  void requests() {
    roundTrip("request-full.json", REQUEST_FULL, codec::encode, codec::decodeRequest);
    roundTrip("request-minimal.json", REQUEST_MINIMAL, codec::encode, codec::decodeRequest);
  }

  @Test
  void resultsOfEveryStatus() {
    roundTrip("result-ok-full.json", RESULT_OK_FULL, codec::encode, codec::decodeResult);
    roundTrip("result-ok-minimal.json", RESULT_OK_MINIMAL, codec::encode, codec::decodeResult);
    roundTrip("result-rejected.json", RESULT_REJECTED, codec::encode, codec::decodeResult);
    roundTrip("result-expired.json", RESULT_EXPIRED, codec::encode, codec::decodeResult);
    roundTrip("result-error.json", RESULT_ERROR, codec::encode, codec::decodeResult);
  }

  @Test
  void feedback() {
    roundTrip("feedback-full.json", FEEDBACK_FULL, codec::encode, codec::decodeFeedback);
    roundTrip("feedback-minimal.json", FEEDBACK_MINIMAL, codec::encode, codec::decodeFeedback);
  }

  @Test
  void modelEvents() {
    roundTrip("model-event-full.json", MODEL_EVENT_FULL, codec::encode, codec::decodeModelEvent);
    roundTrip(
        "model-event-minimal.json", MODEL_EVENT_MINIMAL, codec::encode, codec::decodeModelEvent);
  }

  // ---------------------------------------------------------------- errors

  /** One malformed input per line: case, the exception's field (or -) and its message. */
  @Test
  void errorsNameTheFieldAndReason() {
    List<String> lines = new ArrayList<>();
    Function<byte[], ?> req = codec::decodeRequest;
    Function<byte[], ?> res = codec::decodeResult;
    Function<byte[], ?> fb = codec::decodeFeedback;
    Function<byte[], ?> ev = codec::decodeModelEvent;
    error(lines, "empty", req, new byte[0]);
    error(lines, "malformed", req, utf8("{\"id\": \"x\", \"text\": "));
    error(lines, "not-json", req, utf8("not json at all"));
    error(lines, "not-an-object", req, utf8("[1,2,3]"));
    error(lines, "trailing-tokens", req, utf8("{\"id\":\"a\",\"text\":\"b\",\"model\":\"m\"} x"));
    error(lines, "invalid-utf8", req, invalidUtf8());
    error(
        lines,
        "duplicate-key",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"text\":\"u\",\"model\":\"m\"}"));
    error(
        lines,
        "duplicate-nested-key",
        res,
        utf8(
            "{\"id\":\"1\",\"status\":\"ok\",\"label\":\"a\",\"latency_ms\":1,"
                + "\"scores\":{\"joy\":0.5,\"joy\":0.25}}"));
    error(lines, "missing-required", req, utf8("{\"text\":\"hello\",\"model\":\"m\"}"));
    error(lines, "null-required", req, utf8("{\"id\":null,\"text\":\"t\",\"model\":\"m\"}"));
    error(lines, "empty-required", req, utf8("{\"id\":\"\",\"text\":\"t\",\"model\":\"m\"}"));
    error(lines, "wrong-type-string", req, utf8("{\"id\":\"1\",\"text\":42,\"model\":\"m\"}"));
    error(lines, "wrong-type-array", req, utf8("{\"id\":\"1\",\"text\":[\"a\"],\"model\":\"m\"}"));
    error(
        lines,
        "wrong-type-object",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"key\":{}}"));
    error(
        lines,
        "wrong-type-integer",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"deadline_ms\":\"soon\"}"));
    error(
        lines,
        "fraction-for-integer",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"deadline_ms\":1.5}"));
    error(
        lines,
        "negative-deadline",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"deadline_ms\":-1}"));
    error(
        lines,
        "invalid-model-ref",
        req,
        utf8("{\"id\":\"1\",\"text\":\"t\",\"model\":\"Bad/Name\"}"));
    error(
        lines,
        "nested-wrong-type",
        res,
        utf8(
            "{\"id\":\"1\",\"status\":\"ok\",\"label\":\"a\",\"latency_ms\":1,"
                + "\"scores\":{\"joy\":\"high\"}}"));
    error(
        lines,
        "scores-not-an-object",
        res,
        utf8("{\"id\":\"1\",\"status\":\"ok\",\"label\":\"a\",\"latency_ms\":1,\"scores\":[1]}"));
    error(
        lines, "unknown-status", res, utf8("{\"id\":\"1\",\"status\":\"great\",\"latency_ms\":1}"));
    error(
        lines, "ok-without-label", res, utf8("{\"id\":\"1\",\"status\":\"ok\",\"latency_ms\":1}"));
    error(lines, "missing-latency", res, utf8("{\"id\":\"1\",\"status\":\"error\"}"));
    error(
        lines,
        "wrong-type-boolean",
        res,
        utf8("{\"id\":\"1\",\"status\":\"error\",\"latency_ms\":1,\"truncated\":\"yes\"}"));
    error(
        lines,
        "int-out-of-range",
        res,
        utf8("{\"id\":\"1\",\"status\":\"error\",\"latency_ms\":1,\"version\":4294967296}"));
    error(lines, "feedback-missing-label", fb, utf8("{\"id\":\"1\",\"timestamp_ms\":5}"));
    error(
        lines,
        "event-missing-schema",
        ev,
        utf8("{\"event_id\":\"x\",\"type\":\"t\",\"model\":\"m\"}"));
    error(
        lines,
        "event-schema-zero",
        ev,
        utf8(
            "{\"event_id\":\"x\",\"schema_version\":0,\"type\":\"t\",\"occurred_at_ms\":1,"
                + "\"sequence\":1,\"model\":\"m\"}"));
    error(
        lines,
        "event-invalid-model",
        ev,
        utf8(
            "{\"event_id\":\"x\",\"schema_version\":1,\"type\":\"t\",\"occurred_at_ms\":1,"
                + "\"sequence\":1,\"model\":\"Bad\"}"));
    error(
        lines,
        "event-details-not-an-object",
        ev,
        utf8(
            "{\"event_id\":\"x\",\"schema_version\":1,\"type\":\"t\",\"occurred_at_ms\":1,"
                + "\"sequence\":1,\"model\":\"m\",\"details\":[]}"));
    GOLDEN.assertMatches("errors.txt", utf8(String.join("\n", lines) + "\n"));
  }

  private static void error(
      List<String> lines, String name, Function<byte[], ?> decode, byte[] in) {
    InvalidRecordException e = assertThrows(InvalidRecordException.class, () -> decode.apply(in));
    lines.add(name + "\t" + (e.field() == null ? "-" : e.field()) + "\t" + e.getMessage());
  }

  private static byte[] invalidUtf8() {
    byte[] prefix = utf8("{\"id\":\"1\",\"model\":\"m\",\"text\":\"");
    byte[] suffix = utf8("\"}");
    byte[] bad = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, bad, 0, prefix.length);
    bad[prefix.length] = (byte) 0xC3; // lead byte of a 2-byte sequence ...
    bad[prefix.length + 1] = (byte) 0x28; // ... followed by a non-continuation byte
    System.arraycopy(suffix, 0, bad, prefix.length + 2, suffix.length);
    return bad;
  }

  // ---------------------------------------------------------------- golden files

  private static <T> void roundTrip(
      String name, T value, Function<T, byte[]> encode, Function<byte[], T> decode) {
    GOLDEN.assertMatches(name, encode.apply(value));
    assertEquals(value, decode.apply(GOLDEN.read(name)), name);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
