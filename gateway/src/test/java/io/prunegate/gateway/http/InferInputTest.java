package io.prunegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferInputTest {

  private static InferInput parse(String json) {
    return InferInput.parse(new JsonObject(json), 8);
  }

  private static HttpProblem problem(String json) {
    return assertThrows(HttpProblem.class, () -> parse(json));
  }

  @Test
  void readsTextsFlatOrNestedWithIdKeyAndDeadline() {
    InferInput in =
        parse(
            """
            {"id":"r1","parameters":{"key":"user-1","deadline_ms":123},
             "inputs":[{"name":"text","datatype":"BYTES","shape":[2,1],"data":[["a"],["b"]]}]}""");
    assertEquals(List.of("a", "b"), in.texts());
    assertEquals("r1", in.id());
    assertEquals("user-1", in.key());
    assertEquals(123L, in.deadlineMs());
  }

  @Test
  void namesTheOffendingField() {
    assertEquals("inputs", problem("{}").field());
    assertEquals(
        "inputs[0].datatype",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"FP32\",\"shape\":[1],\"data\":[1]}]}")
            .field());
    assertEquals(
        "inputs[0].data[1]",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[2],\"data\":[\"a\",3]}]}")
            .field());
    assertEquals(
        "inputs[0].data[0]",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"\"]}]}")
            .field());
    assertEquals(
        "inputs[0].shape",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[3],\"data\":[\"a\"]}]}")
            .field());
    assertEquals(
        "parameters.deadline_ms",
        problem(
                "{\"parameters\":{\"deadline_ms\":\"soon\"},\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"a\"]}]}")
            .field());
    HttpProblem tooMany =
        problem(
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[9],\"data\":[\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\",\"a\"]}]}");
    assertEquals(413, tooMany.status());
  }
}
