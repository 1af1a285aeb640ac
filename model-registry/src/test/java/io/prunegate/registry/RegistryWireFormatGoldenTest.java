package io.prunegate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.prunegate.registry.VersionJson.ArtifactClaim;
import io.prunegate.registry.VersionJson.VersionRequest;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.testing.GoldenFiles;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Pins the bytes of every REST body {@link RegistryJson} writes (models, versions with artifacts
 * and lineage, aliases, jobs, pages, problems, the client's alias, tag and job-action bodies) and
 * the field and message of its request readers' errors, against {@code
 * src/test/resources/golden/registry}. Run with {@code -Dgolden.update=true} to rewrite the files
 * after an intentional wire change.
 */
class RegistryWireFormatGoldenTest {

  private static final GoldenFiles GOLDEN = GoldenFiles.in("registry");

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:01.125Z");
  private static final String SHA_A =
      "0000000000000000000000000000000000000000000000000000000000000001";
  private static final String SHA_B =
      "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

  // ---------------------------------------------------------------- fixed instances

  static final RegisteredModel MODEL_FULL =
      new RegisteredModel(
          "sst2-bge",
          "hf:BAAI/bge-small-en-v1.5",
          "text-classification",
          List.of("negative", "positive"),
          "Sentiment, \"binary\" ☃",
          T0,
          3,
          Map.of("champion", 1, "challenger", 3));

  static final RegisteredModel MODEL_MINIMAL =
      new RegisteredModel("m", null, null, List.of(), null, null, 0, Map.of());

  static final NewModel NEW_MODEL_FULL =
      new NewModel(
          "sst2-bge",
          "hf:BAAI/bge-small-en-v1.5",
          "text-classification",
          List.of("negative", "positive"),
          "Sentiment");

  static final NewModel NEW_MODEL_MINIMAL = new NewModel("m", null, null, List.of(), null);

  static final ModelVersion VERSION_FULL =
      new ModelVersion(
          "sst2-bge",
          3,
          2,
          "chip",
          parameters(),
          Map.of("accuracy", 0.875),
          Map.of("team", "nlp"),
          "chip-tuned at depth 8",
          List.of(new Artifact("config.json", SHA_A, 512), new Artifact("model.bin", SHA_B, 0)),
          T1,
          List.of("challenger"),
          List.of(
              new LineageStep(3, 2, "chip", Map.of("accuracy", 0.875), T1),
              new LineageStep(2, 1, "finercut", Map.of(), T0),
              new LineageStep(1, null, "base", Map.of(), null)));

  static final ModelVersion VERSION_MINIMAL =
      new ModelVersion(
          "m",
          1,
          null,
          "base",
          Map.of(),
          Map.of(),
          Map.of(),
          null,
          List.of(new Artifact("model.bin", SHA_A, 1)),
          null,
          List.of(),
          List.of());

  static final VersionSpec VERSION_SPEC_FULL =
      new VersionSpec(
          2,
          "chip",
          parameters(),
          Map.of("accuracy", 0.875),
          Map.of("team", "nlp"),
          "chip-tuned",
          "idem-0001");

  static final VersionSpec VERSION_SPEC_MINIMAL =
      new VersionSpec(null, null, Map.of(), Map.of(), Map.of(), null, null);

  static final List<Artifact> ARTIFACTS =
      List.of(new Artifact("config.json", SHA_A, 512), new Artifact("model.bin", SHA_B, 0));

  static final AliasBinding ALIAS_FULL = new AliasBinding("sst2-bge", "champion", 3, T1);

  static final AliasBinding ALIAS_MINIMAL = new AliasBinding("m", "shadow", 1, null);

  static final Job JOB_FULL =
      new Job(
          "job-0001",
          "sst2-bge",
          1,
          "chip",
          parameters(),
          JobState.FAILED,
          "worker-1",
          2,
          T1,
          0.5,
          "training chips",
          Map.of("best_variant", "chip-d8"),
          "out of memory",
          "idem-0002",
          T0,
          T1);

  static final Job JOB_MINIMAL =
      new Job(
          "job-0002",
          "m",
          1,
          "finercut",
          Map.of(),
          JobState.PENDING,
          null,
          0,
          null,
          0.0,
          null,
          Map.of(),
          null,
          null,
          T0,
          T0);

  static final NewJob NEW_JOB_FULL = new NewJob("sst2-bge", 1, "chip", parameters(), "idem-0003");

  static final NewJob NEW_JOB_MINIMAL = new NewJob("m", 1, "finercut", Map.of(), null);

  private static Map<String, Object> parameters() {
    Map<String, Object> head = new LinkedHashMap<>();
    head.put("kind", "mlp");
    head.put("hidden", 256);
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("selection", "tolerance=1.0");
    p.put("early_exit", true);
    p.put("learning_rate", 0.001953125);
    p.put("seed", 5_000_000_000L);
    p.put("depths", List.of(4, 8));
    p.put("head", head);
    p.put("note", null);
    return p;
  }

  // ---------------------------------------------------------------- responses

  @Test
  void models() {
    roundTrip("model-full.json", MODEL_FULL, RegistryJson::model, RegistryJson::readModel);
    roundTrip("model-minimal.json", MODEL_MINIMAL, RegistryJson::model, RegistryJson::readModel);
  }

  @Test
  void versionsWithArtifactsAndLineage() {
    roundTrip("version-full.json", VERSION_FULL, VersionJson::version, VersionJson::readVersion);
    roundTrip(
        "version-minimal.json", VERSION_MINIMAL, VersionJson::version, VersionJson::readVersion);
  }

  @Test
  void aliases() {
    roundTrip("alias-full.json", ALIAS_FULL, RegistryJson::alias, RegistryJson::readAlias);
    roundTrip("alias-minimal.json", ALIAS_MINIMAL, RegistryJson::alias, RegistryJson::readAlias);
  }

  @Test
  void jobs() {
    roundTrip("job-full.json", JOB_FULL, JobJson::job, JobJson::readJob);
    roundTrip("job-minimal.json", JOB_MINIMAL, JobJson::job, JobJson::readJob);
  }

  @Test
  void pages() {
    Page<RegisteredModel> models = new Page<>(List.of(MODEL_FULL, MODEL_MINIMAL), 7, 2, 4);
    roundTrip(
        "page-models.json",
        models,
        p -> RegistryJson.page(p, RegistryJson::model),
        n -> RegistryJson.readPage(n, RegistryJson::readModel));
    Page<Job> empty = new Page<>(List.of(), 0, Page.DEFAULT_LIMIT, 0);
    roundTrip(
        "page-empty.json",
        empty,
        p -> RegistryJson.page(p, JobJson::job),
        n -> RegistryJson.readPage(n, JobJson::readJob));
  }

  @Test
  void problems() {
    GOLDEN.assertMatches(
        "problem-field.json",
        RegistryJson.write(
            RegistryJson.error(
                "field 'artifacts[0].sha256': not a sha256", "artifacts[0].sha256")));
    GOLDEN.assertMatches(
        "problem-no-field.json", RegistryJson.write(RegistryJson.error("no such model 'x'", null)));
  }

  // ---------------------------------------------------------------- requests

  @Test
  void newModelRequests() {
    roundTrip(
        "new-model-full.json",
        NEW_MODEL_FULL,
        RegistryJson::newModelRequest,
        RegistryJson::readNewModelRequest);
    roundTrip(
        "new-model-minimal.json",
        NEW_MODEL_MINIMAL,
        RegistryJson::newModelRequest,
        RegistryJson::readNewModelRequest);
  }

  @Test
  void versionRequests() {
    GOLDEN.assertMatches(
        "version-request-full.json",
        RegistryJson.write(VersionJson.versionRequest(VERSION_SPEC_FULL, ARTIFACTS)));
    assertEquals(
        new VersionRequest(
            VERSION_SPEC_FULL,
            List.of(
                new ArtifactClaim("config.json", SHA_A, 512L),
                new ArtifactClaim("model.bin", SHA_B, 0L))),
        VersionJson.readVersionRequest(parse("version-request-full.json")));
    List<Artifact> one = List.of(new Artifact("model.bin", SHA_A, 1));
    GOLDEN.assertMatches(
        "version-request-minimal.json",
        RegistryJson.write(VersionJson.versionRequest(VERSION_SPEC_MINIMAL, one)));
    assertEquals(
        new VersionRequest(
            VERSION_SPEC_MINIMAL, List.of(new ArtifactClaim("model.bin", SHA_A, 1L))),
        VersionJson.readVersionRequest(parse("version-request-minimal.json")));
  }

  @Test
  void newJobRequests() {
    roundTrip(
        "new-job-full.json", NEW_JOB_FULL, JobJson::newJobRequest, JobJson::readNewJobRequest);
    roundTrip(
        "new-job-minimal.json",
        NEW_JOB_MINIMAL,
        JobJson::newJobRequest,
        JobJson::readNewJobRequest);
  }

  /**
   * The bodies only the Java client writes (alias moves, tags and the job actions), as a recording
   * HTTP server receives them.
   */
  @Test
  void clientRequestBodies() throws IOException {
    Map<String, byte[]> received = Collections.synchronizedMap(new LinkedHashMap<>());
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          received.put(path, exchange.getRequestBody().readAllBytes());
          byte[] reply =
              RegistryJson.write(
                  path.contains("/aliases/")
                      ? RegistryJson.alias(ALIAS_FULL)
                      : path.contains("/tags/")
                          ? VersionJson.version(VERSION_FULL)
                          : JobJson.job(JOB_MINIMAL));
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, reply.length);
          exchange.getResponseBody().write(reply);
          exchange.close();
        });
    server.start();
    try {
      RegistryClient client =
          RegistryClient.create(
              "http://127.0.0.1:" + server.getAddress().getPort(), "golden-token");
      assertEquals(ALIAS_FULL, client.setAlias("sst2-bge", "champion", 3));
      assertEquals(
          VERSION_FULL, client.setTag("sst2-bge", 3, "rejected", "worse by 2.5 points \"☃\""));
      assertEquals(
          Optional.of(JOB_MINIMAL),
          client.claimJob("worker-1", Duration.ofSeconds(90), Set.of("chip")));
      assertEquals(JOB_MINIMAL, client.reportProgress("job-0002", "worker-1", 0.25, "training"));
      assertEquals(JOB_MINIMAL, client.finishJob("job-0002", "worker-1", parameters()));
      assertEquals(JOB_MINIMAL, client.failJob("job-0002", "worker-1", "out of memory"));
    } finally {
      server.stop(0);
    }
    List<String> names =
        List.of(
            "alias-request.json",
            "tag-request.json",
            "job-claim-request.json",
            "job-progress-request.json",
            "job-finish-request.json",
            "job-fail-request.json");
    List<byte[]> bodies = List.copyOf(received.values());
    assertEquals(names.size(), bodies.size(), received.keySet().toString());
    for (int i = 0; i < names.size(); i++) {
      GOLDEN.assertMatches(names.get(i), bodies.get(i));
    }
  }

  /** One malformed request per line: case, the problem's kind, field (or -) and message. */
  @Test
  void requestErrorsNameTheField() {
    List<String> lines = new ArrayList<>();
    Function<JsonNode, ?> model = RegistryJson::readNewModelRequest;
    Function<JsonNode, ?> version = VersionJson::readVersionRequest;
    Function<JsonNode, ?> alias = RegistryJson::readAliasRequest;
    Function<JsonNode, ?> job = JobJson::readNewJobRequest;
    Function<JsonNode, ?> tag = RegistryJson::readTagRequest;
    error(lines, "empty", model, "");
    error(lines, "malformed", model, "{\"name\": ");
    error(lines, "trailing-tokens", model, "{\"name\":\"m\"} x");
    error(lines, "not-an-object", model, "[1]");
    error(lines, "duplicate-key", model, "{\"name\":\"a\",\"name\":\"b\"}");
    error(
        lines,
        "duplicate-nested-key",
        job,
        "{\"model\":\"m\",\"version\":1,\"method\":\"chip\",\"parameters\":{\"a\":1,\"a\":2}}");
    error(lines, "unknown-field", model, "{\"name\":\"m\",\"colour\":\"red\"}");
    error(lines, "missing-required", model, "{\"task\":\"t\"}");
    error(lines, "wrong-type", model, "{\"name\":7}");
    error(lines, "invalid-name", model, "{\"name\":\"Bad Name\"}");
    error(lines, "labels-wrong-type", model, "{\"name\":\"m\",\"labels\":\"a\"}");
    error(lines, "label-wrong-type", model, "{\"name\":\"m\",\"labels\":[\"a\",3]}");
    error(lines, "duplicate-label", model, "{\"name\":\"m\",\"labels\":[\"a\",\"a\"]}");
    error(lines, "no-artifacts", version, "{\"method\":\"base\",\"artifacts\":[]}");
    error(
        lines,
        "artifact-bad-sha",
        version,
        "{\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"xyz\"}]}");
    error(
        lines,
        "artifact-unknown-field",
        version,
        "{\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA_A + "\",\"mode\":1}]}");
    error(
        lines,
        "artifact-negative-size",
        version,
        "{\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA_A + "\",\"size\":-1}]}");
    error(lines, "artifact-not-an-object", version, "{\"artifacts\":[7]}");
    error(
        lines,
        "parent-without-method",
        version,
        "{\"parent_version\":1,\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA_A + "\"}]}");
    error(
        lines,
        "tag-wrong-type",
        version,
        "{\"tags\":{\"t\":1},\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA_A + "\"}]}");
    error(
        lines,
        "parameters-wrong-type",
        version,
        "{\"parameters\":[],\"artifacts\":[{\"name\":\"a.bin\",\"sha256\":\"" + SHA_A + "\"}]}");
    error(lines, "alias-missing-version", alias, "{}");
    error(lines, "alias-fraction", alias, "{\"version\":1.5}");
    error(lines, "alias-zero", alias, "{\"version\":0}");
    error(lines, "alias-too-large", alias, "{\"version\":4294967296}");
    error(lines, "tag-missing-value", tag, "{}");
    error(lines, "tag-null-value", tag, "{\"value\":null}");
    error(lines, "tag-not-a-string", tag, "{\"value\":7}");
    error(lines, "tag-too-long", tag, "{\"value\":\"" + "x".repeat(1025) + "\"}");
    error(lines, "tag-unknown-field", tag, "{\"value\":\"a\",\"key\":\"b\"}");
    error(
        lines,
        "job-bad-idempotency-key",
        job,
        "{\"model\":\"m\",\"version\":1,\"method\":\"chip\",\"idempotency_key\":\"a b\"}");
    GOLDEN.assertMatches("errors.txt", utf8(String.join("\n", lines) + "\n"));
  }

  private static void error(
      List<String> lines, String name, Function<JsonNode, ?> read, String body) {
    RegistryProblem p =
        assertThrows(RegistryProblem.class, () -> read.apply(RegistryJson.parse(utf8(body))));
    lines.add(
        name
            + "\t"
            + p.kind()
            + "\t"
            + (p.field() == null ? "-" : p.field())
            + "\t"
            + p.getMessage());
  }

  // ---------------------------------------------------------------- golden files

  private static <T> void roundTrip(
      String name, T value, Function<T, JsonNode> encode, Function<JsonNode, T> decode) {
    GOLDEN.assertMatches(name, RegistryJson.write(encode.apply(value)));
    assertEquals(value, decode.apply(parse(name)), name);
  }

  private static JsonNode parse(String name) {
    return RegistryJson.parse(GOLDEN.read(name));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
