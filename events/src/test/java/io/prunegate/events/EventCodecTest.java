package io.prunegate.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.InvalidRecordException.Kind;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  private final EventCodec codec = EventCodec.get();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private InvalidRecordException rejectRequest(String json) {
    return assertThrows(InvalidRecordException.class, () -> codec.decodeRequest(utf8(json)));
  }

  @Test
  void requestRoundTrips() {
    var r = new ClassificationRequest("r-1", "a fine film", "sentiment@challenger", "user-7", 42L);
    assertEquals(r, codec.decodeRequest(codec.encode(r)));
    var bare = ClassificationRequest.of("r-2", "ünïcødé ☃", "sentiment:3");
    assertEquals(bare, codec.decodeRequest(codec.encode(bare)));
    assertEquals("r-2", bare.recordKey());
    assertEquals("user-7", r.recordKey());
  }

  @Test
  void rejectsMalformedJsonWithoutAField() {
    var e = rejectRequest("{\"id\": \"x\", \"text\": ");
    assertNull(e.field());
    assertTrue(e.getMessage().startsWith("malformed JSON"), e.getMessage());
    assertNull(rejectRequest("not json at all").field());
    assertNull(rejectRequest("[1,2,3]").field());
    assertTrue(rejectRequest("[1,2,3]").getMessage().contains("JSON object"));
    assertNull(rejectRequest("{\"id\":\"a\",\"text\":\"b\",\"model\":\"m\"} trailing").field());
  }

  @Test
  void rejectsMissingIdNamingTheField() {
    var e = rejectRequest("{\"text\": \"hello\", \"model\": \"m\"}");
    assertEquals("id", e.field());
    assertTrue(e.getMessage().contains("'id'") && e.getMessage().contains("required"));
    assertEquals("id", rejectRequest("{\"id\": null, \"text\": \"t\", \"model\": \"m\"}").field());
    assertEquals("id", rejectRequest("{\"id\": \"\", \"text\": \"t\", \"model\": \"m\"}").field());
  }

  @Test
  void rejectsNonStringTextNamingTheField() {
    var e = rejectRequest("{\"id\": \"1\", \"text\": 42, \"model\": \"m\"}");
    assertEquals("text", e.field());
    assertTrue(e.getMessage().contains("must be a string, was a number"), e.getMessage());
    assertEquals(
        "text", rejectRequest("{\"id\": \"1\", \"text\": [\"a\"], \"model\": \"m\"}").field());
    assertEquals(
        "text", rejectRequest("{\"id\": \"1\", \"text\": \"\", \"model\": \"m\"}").field());
  }

  @Test
  void rejectsWrongTypesAndBadValuesOfOptionalFields() {
    assertEquals(
        "deadline_ms",
        rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"deadline_ms\":\"soon\"}")
            .field());
    assertEquals(
        "deadline_ms",
        rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"deadline_ms\":1.5}").field());
    assertEquals(
        "key", rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"key\":{}}").field());
    assertEquals(
        "model", rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"model\":\"Bad/Name\"}").field());
    assertEquals("model", rejectRequest("{\"id\":\"1\",\"text\":\"t\"}").field());
  }

  @Test
  void rejectsDuplicateKeysNamingTheField() {
    var e = rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"text\":\"u\",\"model\":\"m\"}");
    assertEquals("text", e.field());
  }

  @Test
  void rejectsInvalidUtf8() {
    byte[] prefix = utf8("{\"id\":\"1\",\"model\":\"m\",\"text\":\"");
    byte[] suffix = utf8("\"}");
    byte[] bad = new byte[prefix.length + 2 + suffix.length];
    System.arraycopy(prefix, 0, bad, 0, prefix.length);
    bad[prefix.length] = (byte) 0xC3; // lead byte of a 2-byte sequence ...
    bad[prefix.length + 1] = (byte) 0x28; // ... followed by a non-continuation byte
    System.arraycopy(suffix, 0, bad, prefix.length + 2, suffix.length);
    var e = assertThrows(InvalidRecordException.class, () -> codec.decodeRequest(bad));
    assertNull(e.field());
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void rejectsEmptyRecord() {
    assertThrows(InvalidRecordException.class, () -> codec.decodeRequest(new byte[0]));
    assertThrows(InvalidRecordException.class, () -> codec.decodeRequest(null));
  }

  @Test
  void acceptsUnknownExtraFields() {
    var r =
        codec.decodeRequest(
            utf8(
                "{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"priority\":9,"
                    + "\"trace\":{\"span\":\"abc\"},\"tags\":[1,2]}"));
    assertEquals(ClassificationRequest.of("1", "t", "m"), r);
  }

  @Test
  void resultRoundTripsKeepingScoreOrder() {
    Map<String, Double> scores = new LinkedHashMap<>();
    scores.put("sadness", 0.1);
    scores.put("joy", 0.7);
    scores.put("anger", 0.2);
    var r = ClassificationResult.ok("r", "joy", scores, "emo", 3, "challenger", 6, 12.5, true);
    var back = codec.decodeResult(codec.encode(r));
    assertEquals(r, back);
    assertEquals(List.of("sadness", "joy", "anger"), List.copyOf(back.scores().keySet()));

    var failed =
        ClassificationResult.failed("r2", "emo", ResultStatus.EXPIRED, "deadline passed", 3.0);
    assertEquals(failed, codec.decodeResult(codec.encode(failed)));
  }

  @Test
  void resultValidation() {
    var e =
        assertThrows(
            InvalidRecordException.class,
            () -> codec.decodeResult(utf8("{\"id\":\"1\",\"status\":\"ok\",\"latency_ms\":1}")));
    assertEquals("label", e.field());
    e =
        assertThrows(
            InvalidRecordException.class,
            () ->
                codec.decodeResult(
                    utf8(
                        "{\"id\":\"1\",\"status\":\"ok\",\"label\":\"a\",\"latency_ms\":1,"
                            + "\"scores\":{\"a\":\"high\"}}")));
    assertEquals("scores.a", e.field());
    e =
        assertThrows(
            InvalidRecordException.class,
            () -> codec.decodeResult(utf8("{\"id\":\"1\",\"status\":\"great\",\"latency_ms\":1}")));
    assertEquals("status", e.field());
  }

  @Test
  void feedbackRoundTrips() {
    var f = new Feedback("r-9", "joy", "emo", 1234L);
    assertEquals(f, codec.decodeFeedback(codec.encode(f)));
  }

  @Test
  void modelEventRoundTripsAndToleratesUnknownTypes() {
    var e =
        new ModelEvent(
            "6f1c",
            ModelEvent.SCHEMA_VERSION,
            ModelEventType.VARIANT_REGISTERED.wireName(),
            1700000000000L,
            7,
            "sst2-bge",
            2,
            null,
            1,
            "chip",
            "job-1",
            Map.of("accuracy", 0.9, "layers_kept", 8));
    var back = codec.decodeModelEvent(codec.encode(e));
    assertEquals(e.eventId(), back.eventId());
    assertEquals(e.type(), back.type());
    assertEquals(e.parentVersion(), back.parentVersion());
    assertEquals(0.9, ((Number) back.details().get("accuracy")).doubleValue());
    assertEquals(ModelEventType.VARIANT_REGISTERED, back.knownType().orElseThrow());

    var future =
        codec.decodeModelEvent(
            utf8(
                "{\"event_id\":\"x\",\"schema_version\":2,\"type\":\"model.archived\","
                    + "\"occurred_at_ms\":1,\"sequence\":1,\"model\":\"m\",\"new_field\":true}"));
    assertFalse(future.knownType().isPresent());
    var missing =
        assertThrows(
            InvalidRecordException.class,
            () ->
                codec.decodeModelEvent(
                    utf8("{\"event_id\":\"x\",\"type\":\"t\",\"model\":\"m\"}")));
    assertEquals("schema_version", missing.field());
  }

  @Test
  void failuresCarryTheirKind() {
    String ok = "{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\"";
    assertEquals(Kind.EMPTY, rejectRequest("  \n").kind());
    assertEquals(Kind.MALFORMED_JSON, rejectRequest("{\"id\": ").kind());
    assertEquals(Kind.MALFORMED_JSON, rejectRequest(ok + "} {}").kind());
    assertEquals(Kind.NOT_AN_OBJECT, rejectRequest("[1]").kind());
    assertEquals(Kind.DUPLICATE_KEY, rejectRequest(ok + ",\"id\":\"2\"}").kind());
    var dupObject = rejectRequest(ok + ",\"x\":{},\"x\":[]}");
    assertEquals(Kind.DUPLICATE_KEY, dupObject.kind());
    assertEquals("x", dupObject.field());
    assertEquals(Kind.MISSING_FIELD, rejectRequest("{\"text\":\"t\",\"model\":\"m\"}").kind());
    assertEquals(
        Kind.WRONG_TYPE, rejectRequest("{\"id\":\"1\",\"text\":42,\"model\":\"m\"}").kind());
    assertEquals(
        Kind.INVALID_VALUE,
        rejectRequest("{\"id\":\"1\",\"text\":\"t\",\"model\":\"Bad/Name\"}").kind());
    assertTrue(Kind.TOO_DEEP.unreadable());
    assertFalse(Kind.WRONG_TYPE.unreadable());
  }

  @Test
  void rejectsNestingDeeperThanTheLimit() {
    String ok = "{\"id\":\"1\",\"text\":\"t\",\"model\":\"m\",\"x\":";
    int arrays = EventJson.MAX_NESTING_DEPTH - 1; // the record itself is one level
    codec.decodeRequest(utf8(ok + "[".repeat(arrays) + "]".repeat(arrays) + "}"));
    var e = rejectRequest(ok + "[".repeat(arrays + 1) + "]".repeat(arrays + 1) + "}");
    assertEquals(Kind.TOO_DEEP, e.kind());
    assertNull(e.field());
  }

  @Test
  void aSyntaxErrorBeforeInvalidUtf8IsMalformedJson() {
    byte[] head = utf8("{\"id\": x, \"text\":\"");
    byte[] bad = new byte[head.length + 3];
    System.arraycopy(head, 0, bad, 0, head.length);
    bad[head.length] = (byte) 0xC3;
    bad[head.length + 1] = (byte) 0x28;
    bad[head.length + 2] = (byte) '"';
    var e = assertThrows(InvalidRecordException.class, () -> codec.decodeRequest(bad));
    assertEquals(Kind.MALFORMED_JSON, e.kind());
  }
}
