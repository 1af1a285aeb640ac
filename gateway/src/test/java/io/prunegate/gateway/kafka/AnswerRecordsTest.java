package io.prunegate.gateway.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dead-letter metrics labels, one per kind of codec failure. */
class AnswerRecordsTest {

  private static String kindOf(byte[] value) {
    return AnswerRecords.reasonKind(
        assertThrows(InvalidRecordException.class, () -> EventCodec.get().decodeRequest(value)));
  }

  private static String kindOf(String json) {
    return kindOf(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void labelsEachKindOfFailureAsBefore() {
    assertEquals("empty", kindOf(new byte[0]));
    assertEquals("empty", kindOf("   "));
    assertEquals("invalid_utf8", kindOf(new byte[] {'{', '"', (byte) 0xC3, 0x28, '"', '}'}));
    assertEquals("malformed_json", kindOf("{\"id\": "));
    assertEquals("malformed_json", kindOf("[1,2]"));
    assertEquals("malformed_json", kindOf("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}"));
    assertEquals(
        "invalid_field", kindOf("{\"id\":\"1\",\"id\":\"2\",\"text\":\"t\",\"model\":\"m\"}"));
    assertEquals("invalid_field", kindOf("{\"text\":\"t\",\"model\":\"m\"}"));
    assertEquals("invalid_field", kindOf("{\"id\":\"1\",\"text\":4,\"model\":\"m\"}"));
    assertEquals("invalid_field", kindOf("{\"id\":\"1\",\"text\":\"t\",\"model\":\"Bad\"}"));
  }
}
