package io.prunegate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the golden error table does not cover of {@link RegistryJson}'s binding: the nesting limit,
 * nulls inside lists and maps, the job-action and GC bodies, and lenient response reading.
 */
class RegistryJsonStrictnessTest {

  private static final String SHA = "ab".repeat(32);

  private static RegistryProblem problem(Function<JsonNode, ?> read, String body) {
    return assertThrows(
        RegistryProblem.class,
        () -> read.apply(RegistryJson.parse(body.getBytes(StandardCharsets.UTF_8))));
  }

  private static void assertProblem(
      String field, String message, Function<JsonNode, ?> read, String body) {
    RegistryProblem p = problem(read, body);
    assertEquals(RegistryProblem.Kind.INVALID, p.kind(), body);
    assertEquals(field, p.field(), body);
    assertEquals(message, p.getMessage(), body);
  }

  @Test
  void nestingDeeperThanTheLimitIsMalformed() {
    String deep = "[".repeat(100) + "]".repeat(100);
    RegistryProblem p =
        problem(
            JobJson::readNewJobRequest,
            "{\"model\":\"m\",\"version\":1,\"method\":\"chip\",\"parameters\":{\"a\":"
                + deep
                + "}}");
    assertEquals(null, p.field());
    assertTrue(p.getMessage().startsWith("malformed JSON: "), p.getMessage());
    String shallow = "[".repeat(10) + "]".repeat(10);
    JobJson.readNewJobRequest(
        RegistryJson.parse(
            ("{\"model\":\"m\",\"version\":1,\"method\":\"chip\",\"parameters\":{\"a\":"
                    + shallow
                    + "}}")
                .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void nullsInsideListsAndMapsNameTheirPlace() {
    assertProblem(
        "labels[1]",
        "must be a string, was null",
        RegistryJson::readNewModelRequest,
        "{\"name\":\"m\",\"labels\":[\"a\",null]}");
    assertProblem(
        "tags.t",
        "must be a string, was null",
        VersionJson::readVersionRequest,
        "{\"tags\":{\"t\":null},\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA + "\"}]}");
    assertProblem(
        "artifacts[0]",
        "must be a JSON object, was null",
        VersionJson::readVersionRequest,
        "{\"artifacts\":[null]}");
    assertProblem(null, "must be a JSON object, was null", RegistryJson::readAliasRequest, "null");
  }

  @Test
  void jobActionAndGcBodiesAreStrict() {
    assertProblem("progress", "is required", JobJson::readProgressRequest, "{\"worker_id\":\"w\"}");
    assertProblem(
        "progress",
        "must be a number, was a string",
        JobJson::readProgressRequest,
        "{\"worker_id\":\"w\",\"progress\":\"0.5\"}");
    assertProblem("worker_id", "is required", JobJson::readFinishRequest, "{\"result\":{}}");
    assertProblem("error", "is required", JobJson::readFailRequest, "{\"worker_id\":\"w\"}");
    assertProblem(
        "lease", "unknown field", JobJson::readClaimRequest, "{\"worker_id\":\"w\",\"lease\":5}");
    assertProblem(
        "methods[0]",
        "must be a string, was a number",
        JobJson::readClaimRequest,
        "{\"worker_id\":\"w\",\"methods\":[1]}");
    assertProblem(
        "dry_run", "must be a boolean, was a number", JobJson::readGcRequest, "{\"dry_run\":1}");
    assertProblem(
        "grace_seconds",
        "must be an integer, was a number",
        JobJson::readGcRequest,
        "{\"grace_seconds\":1.5}");
    JobJson.ClaimRequest claim =
        JobJson.readClaimRequest(
            RegistryJson.parse(
                "{\"worker_id\":\"w\",\"lease_seconds\":30,\"methods\":[\"chip\"]}"
                    .getBytes(StandardCharsets.UTF_8)));
    assertEquals(new JobJson.ClaimRequest("w", 30, java.util.List.of("chip")), claim);
  }

  @Test
  void responsesIgnoreFieldsTheyDoNotKnow() {
    AliasBinding a =
        RegistryJson.readAlias(
            RegistryJson.parse(
                "{\"model\":\"m\",\"alias\":\"champion\",\"version\":2,\"updated_at\":null,\"new\":[1]}"
                    .getBytes(StandardCharsets.UTF_8)));
    assertEquals(new AliasBinding("m", "champion", 2, null), a);
  }
}
