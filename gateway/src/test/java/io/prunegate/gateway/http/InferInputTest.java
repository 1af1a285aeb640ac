package io.prunegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferInputTest {

  private static InferInput parse(String json) {
    return InferInput.parse(json.getBytes(StandardCharsets.UTF_8), 8);
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

  @Test
  void theBindingIsStrictAndNamesTheFieldFromItsPath() {
    String tensor = "{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\"a\"]}";
    HttpProblem mistypedId = problem("{\"id\":5,\"inputs\":[" + tensor + "]}");
    assertEquals("id", mistypedId.field());
    assertEquals("must be a string", mistypedId.getMessage());
    HttpProblem shape =
        problem(
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1,\"2\"],\"data\":[\"a\"]}]}");
    assertEquals("inputs[0].shape[1]", shape.field());
    assertEquals("must be an integer", shape.getMessage());
    assertEquals("inputs[0]", problem("{\"inputs\":[1]}").field());
    assertEquals(
        "parameters.deadline_ms",
        problem("{\"parameters\":{\"deadline_ms\":1.5},\"inputs\":[" + tensor + "]}").field());
    HttpProblem duplicate = problem("{\"id\":\"a\",\"id\":\"b\",\"inputs\":[" + tensor + "]}");
    assertEquals(400, duplicate.status());
    assertTrue(duplicate.getMessage().contains("Duplicate field 'id'"), duplicate.getMessage());
    assertTrue(
        problem("{\"inputs\":[" + tensor + "]} {}").getMessage().startsWith("malformed JSON"));
    String deep = "[".repeat(HttpBodies.MAX_DEPTH + 1) + "]".repeat(HttpBodies.MAX_DEPTH + 1);
    HttpProblem tooDeep =
        problem(
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":"
                + deep
                + "}]}");
    assertEquals(400, tooDeep.status());
    assertTrue(tooDeep.getMessage().contains("nesting depth"), tooDeep.getMessage());
    assertEquals(
        "the body must be a JSON object", problem("[1]").getMessage(), "an array is not a body");
    // Unknown fields are protocol extensions: ignored, as before.
    assertEquals(
        List.of("a"),
        parse("{\"inputs\":[" + tensor + "],\"outputs\":[{\"name\":\"label\"}]}").texts());
  }

  @Test
  void theShapeIsCheckedWithoutOverflowAndNestedDataMustFollowIt() {
    String big = Long.toString(Long.MAX_VALUE);
    HttpProblem overflow =
        problem(
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":["
                + big
                + ","
                + big
                + "],\"data\":[\"a\"]}]}");
    assertEquals(413, overflow.status());
    assertEquals("inputs[0].shape", overflow.field());
    assertEquals(
        "inputs[0].shape[0]",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1.5],\"data\":[\"a\"]}]}")
            .field());
    HttpProblem rows =
        problem(
            "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1,2],\"data\":[[\"a\"],[\"b\"]]}]}");
    assertEquals("inputs[0].data", rows.field());
    assertEquals(
        "inputs[0].data[1]",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[2,1],\"data\":[[\"a\"],\"b\"]}]}")
            .field());
    assertEquals(
        List.of("a", "b"),
        parse(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1,2],\"data\":[[\"a\",\"b\"]]}]}")
            .texts());
    assertEquals(
        "must not be only whitespace",
        problem(
                "{\"inputs\":[{\"name\":\"text\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\" \"]}]}")
            .getMessage());
  }
}
