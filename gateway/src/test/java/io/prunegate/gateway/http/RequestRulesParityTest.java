package io.prunegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.prunegate.events.EventCodec;
import io.prunegate.events.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A request refused on one way in is refused on the others with the same field and reason: the
 * Kafka codec and {@code /v1/classify} read the same bytes, the OIP infer body carries the text as
 * a tensor element and the key and deadline as parameters.
 */
class RequestRulesParityTest {

  private static final EventCodec CODEC = EventCodec.get();

  private record Case(String id, String text, String model, String key, Long deadline) {
    String kafkaBody() {
      return "{\"id\":"
          + quoted(id)
          + ",\"text\":"
          + quoted(text)
          + ",\"model\":"
          + quoted(model)
          + (key == null ? "" : ",\"key\":" + quoted(key))
          + (deadline == null ? "" : ",\"deadline_ms\":" + deadline)
          + "}";
    }

    String inferBody() {
      return "{\"id\":"
          + quoted(id)
          + ",\"parameters\":{"
          + (key == null ? "" : "\"key\":" + quoted(key))
          + (key != null && deadline != null ? "," : "")
          + (deadline == null ? "" : "\"deadline_ms\":" + deadline)
          + "},\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":["
          + quoted(text)
          + "]}]}";
    }

    private static String quoted(String s) {
      return s == null ? "null" : "\"" + s + "\"";
    }
  }

  private static final List<Case> BAD =
      List.of(
          new Case("r1", "   \\t \\n", "m", null, null),
          new Case("r1", "", "m", null, null),
          new Case("", "hello", "m", null, null),
          new Case("r1", "hello", "m", "", null),
          new Case("r1", "hello", "m", null, -1L),
          new Case("r1", "hello", "m@", null, null),
          new Case("r1", "hello", "bad name!", null, null));

  @Test
  void kafkaAndClassifyRefuseTheSameRequestsForTheSameReason() {
    for (Case c : BAD) {
      byte[] body = c.kafkaBody().getBytes(StandardCharsets.UTF_8);
      InvalidRecordException kafka =
          assertThrows(InvalidRecordException.class, () -> CODEC.decodeRequest(body), c.toString());
      HttpProblem http = assertThrows(HttpProblem.class, () -> ClassifyInput.parse(body));
      assertEquals(400, http.status(), c.toString());
      assertEquals(kafka.field(), http.field(), c.toString());
      assertEquals(kafka.reason(), http.getMessage(), c.toString());
    }
  }

  @Test
  void inferRefusesTheSameTextsKeysAndDeadlinesForTheSameReason() {
    for (Case c : BAD) {
      if (c.model().equals("m")) {
        byte[] kafkaBody = c.kafkaBody().getBytes(StandardCharsets.UTF_8);
        InvalidRecordException kafka =
            assertThrows(InvalidRecordException.class, () -> CODEC.decodeRequest(kafkaBody));
        HttpProblem infer =
            assertThrows(
                HttpProblem.class,
                () -> InferInput.parse(c.inferBody().getBytes(StandardCharsets.UTF_8), 8),
                c.toString());
        assertEquals(kafka.reason(), infer.getMessage(), c.toString());
        String expectedField =
            switch (kafka.field()) {
              case "text" -> "inputs[0].data[0]";
              case "key" -> "parameters.key";
              case "deadline_ms" -> "parameters.deadline_ms";
              default -> kafka.field();
            };
        assertEquals(expectedField, infer.field(), c.toString());
      }
    }
  }

  @Test
  void duplicateKeysAreRefusedOnBothWays() {
    byte[] body =
        "{\"id\":\"a\",\"text\":\"x\",\"text\":\"y\",\"model\":\"m\"}"
            .getBytes(StandardCharsets.UTF_8);
    assertEquals(
        InvalidRecordException.Kind.DUPLICATE_KEY,
        assertThrows(InvalidRecordException.class, () -> CODEC.decodeRequest(body)).kind());
    assertEquals(400, assertThrows(HttpProblem.class, () -> ClassifyInput.parse(body)).status());
  }
}
