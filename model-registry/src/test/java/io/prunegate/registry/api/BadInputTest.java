package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.RawHttp.Response;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input of every kind gets the right 4xx and a JSON error {@code {"error": ..., "field": ...}}
 * naming the field, and stores nothing. Prints the table of what was tried.
 */
class BadInputTest {

  static final long MAX_JSON = 64 * 1024;
  static final long MAX_UPLOAD = 1024 * 1024;

  @TempDir static Path dir;
  static TestRegistry registry;
  static ModelVersion v1;

  @BeforeAll
  static void start() {
    registry =
        TestRegistry.start(
            dir.resolve("registry"),
            v ->
                v.with(RegistryOptions.MAX_JSON, MAX_JSON)
                    .with(RegistryOptions.MAX_UPLOAD, MAX_UPLOAD));
    RegistryClient client = registry.client();
    client.registerModel(NewModel.of("m", null, List.of("a", "b")));
    v1 =
        client.createVersion(
            "m",
            TestRegistry.files(dir.resolve("v1"), 1, 1000, "model.safetensors"),
            VersionSpec.base());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  /** One attempt: the request, the status and field it must get, and optional further checks. */
  record Case(
      String what,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body,
      boolean chunked,
      int status,
      String field,
      Consumer<Response> also) {}

  private static final String W = "Bearer " + TestRegistry.TOKEN;

  private static Map<String, String> writeJson() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", W);
    h.put("Content-Type", "application/json");
    return h;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Case json(
      String what, String method, String target, String body, int status, String field) {
    return new Case(what, method, target, writeJson(), utf8(body), false, status, field, r -> {});
  }

  private static Case get(String what, String target, int status, String field) {
    return new Case(what, "GET", target, Map.of(), null, false, status, field, r -> {});
  }

  private static String version(String artifactName, String sha) {
    return "{\"artifacts\":[{\"name\":\"" + artifactName + "\",\"sha256\":\"" + sha + "\"}]}";
  }

  private List<Case> cases() {
    String sha = v1.artifacts().get(0).sha256();
    byte[] random = new byte[4096];
    new java.util.Random(3).nextBytes(random);
    String randomSha = Sha256.of(random);
    byte[] declaredFor = utf8("other content");
    String otherSha = Sha256.of(declaredFor);
    List<Case> c = new ArrayList<>();

    // names
    c.add(
        json(
            "model name with upper case",
            "POST",
            "/api/v1/models",
            "{\"name\":\"BadName\"}",
            400,
            "name"));
    c.add(
        json(
            "model name of 129 chars",
            "POST",
            "/api/v1/models",
            "{\"name\":\"" + "a".repeat(129) + "\"}",
            400,
            "name"));
    c.add(
        json(
            "model name with a slash",
            "POST",
            "/api/v1/models",
            "{\"name\":\"a/b\"}",
            400,
            "name"));
    c.add(json("model name '..'", "POST", "/api/v1/models", "{\"name\":\"..\"}", 400, "name"));
    c.add(json("duplicate model", "POST", "/api/v1/models", "{\"name\":\"m\"}", 409, "name"));
    c.add(
        json(
            "alias name with upper case",
            "PUT",
            "/api/v1/models/m/aliases/Champion",
            "{\"version\":1}",
            400,
            "alias"));
    c.add(
        json(
            "tag key with a space",
            "PUT",
            "/api/v1/models/m/versions/1/tags/a%20b",
            "{\"value\":\"x\"}",
            400,
            "key"));
    c.add(
        json(
            "tag value of 1025 chars",
            "PUT",
            "/api/v1/models/m/versions/1/tags/rejected",
            "{\"value\":\"" + "x".repeat(1025) + "\"}",
            400,
            "value"));
    c.add(
        json(
            "tag value not a string",
            "PUT",
            "/api/v1/models/m/versions/1/tags/rejected",
            "{\"value\":7}",
            400,
            "value"));
    c.add(
        json(
            "tag of an unknown version",
            "PUT",
            "/api/v1/models/m/versions/99/tags/rejected",
            "{\"value\":\"x\"}",
            404,
            "version"));
    c.add(
        new Case(
            "removing a tag the version does not have",
            "DELETE",
            "/api/v1/models/m/versions/1/tags/never-set",
            writeJson(),
            null,
            false,
            404,
            "tag",
            r -> {}));
    c.add(get("version 'abc' in the path", "/api/v1/models/m/versions/abc", 400, "version"));
    c.add(get("unknown model", "/api/v1/models/nope", 404, "model"));
    c.add(get("unknown version", "/api/v1/models/m/versions/99", 404, "version"));

    // traversal
    c.add(
        get(
            "traversal in a model path: ..%2f..%2fetc%2fpasswd",
            "/api/v1/models/..%2f..%2fetc%2fpasswd", 400, "name"));
    c.add(
        get(
            "traversal %2e%2e%2f in a model path",
            "/api/v1/models/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400, "name"));
    c.add(
        get(
            "raw ../../ in the path (normalized away)",
            "/api/v1/models/../../../etc/passwd",
            404,
            null));
    c.add(
        get(
            "traversal in an artifact path",
            "/api/v1/artifacts/..%2f..%2fetc%2fpasswd",
            400,
            "sha256"));
    c.add(
        get("absolute path as an artifact id", "/api/v1/artifacts/%2fetc%2fpasswd", 400, "sha256"));
    c.add(
        json(
            "artifact name ../x",
            "POST",
            "/api/v1/models/m/versions",
            version("../x", sha),
            400,
            "artifacts[0].name"));
    c.add(
        json(
            "artifact name %2e%2e%2fx",
            "POST",
            "/api/v1/models/m/versions",
            version("%2e%2e%2fx", sha),
            400,
            "artifacts[0].name"));
    c.add(
        json(
            "artifact name /etc/passwd",
            "POST",
            "/api/v1/models/m/versions",
            version("/etc/passwd", sha),
            400,
            "artifacts[0].name"));
    c.add(
        json(
            "artifact name a/b.bin",
            "POST",
            "/api/v1/models/m/versions",
            version("a/b.bin", sha),
            400,
            "artifacts[0].name"));
    c.add(
        json(
            "artifact name a..b",
            "POST",
            "/api/v1/models/m/versions",
            version("a..b", sha),
            400,
            "artifacts[0].name"));
    c.add(
        json(
            "artifact name with a backslash",
            "POST",
            "/api/v1/models/m/versions",
            version("..\\\\x", sha),
            400,
            "artifacts[0].name"));

    // sizes
    byte[] bigJson =
        utf8("{\"name\":\"x\",\"description\":\"" + "d".repeat((int) MAX_JSON) + "\"}");
    c.add(
        new Case(
            "JSON body over the limit (Content-Length)",
            "POST",
            "/api/v1/models",
            writeJson(),
            bigJson,
            false,
            413,
            null,
            r -> {}));
    c.add(
        new Case(
            "JSON body over the limit (chunked)",
            "POST",
            "/api/v1/models",
            writeJson(),
            bigJson,
            true,
            413,
            null,
            r -> {}));
    byte[] bigUpload = new byte[(int) MAX_UPLOAD + 100_000];
    Map<String, String> up = new LinkedHashMap<>();
    up.put("Authorization", W);
    up.put("Content-Type", "application/octet-stream");
    c.add(
        new Case(
            "upload over the limit (Content-Length)",
            "POST",
            "/api/v1/artifacts",
            up,
            bigUpload,
            false,
            413,
            null,
            r -> {}));
    c.add(
        new Case(
            "upload over the limit (chunked)",
            "POST",
            "/api/v1/artifacts",
            up,
            bigUpload,
            true,
            413,
            null,
            r ->
                assertFalse(
                    registry.client().hasArtifact(Sha256.of(bigUpload)), "nothing stored")));
    Map<String, String> declaredLie = new LinkedHashMap<>(up);
    declaredLie.put("Content-Length", String.valueOf(10L << 30));
    c.add(
        new Case(
            "upload declaring 10 GiB (refused before the body)",
            "POST",
            "/api/v1/artifacts",
            declaredLie,
            null,
            false,
            413,
            null,
            r -> {}));

    // tokens
    Map<String, String> noToken = new LinkedHashMap<>(writeJson());
    noToken.remove("Authorization");
    c.add(
        new Case(
            "write without a token",
            "POST",
            "/api/v1/models",
            noToken,
            utf8("{\"name\":\"x1\"}"),
            false,
            401,
            "Authorization",
            r -> assertTrue(r.headers().get("www-authenticate").startsWith("Bearer"))));
    Map<String, String> wrong = new LinkedHashMap<>(writeJson());
    wrong.put("Authorization", "Bearer " + "x".repeat(TestRegistry.TOKEN.length()));
    c.add(
        new Case(
            "write with a wrong token",
            "POST",
            "/api/v1/models",
            wrong,
            utf8("{\"name\":\"x2\"}"),
            false,
            401,
            "Authorization",
            r -> {}));
    Map<String, String> prefix = new LinkedHashMap<>(writeJson());
    prefix.put("Authorization", "Bearer " + TestRegistry.TOKEN.substring(0, 10));
    c.add(
        new Case(
            "write with a prefix of the token",
            "POST",
            "/api/v1/models",
            prefix,
            utf8("{\"name\":\"x3\"}"),
            false,
            401,
            "Authorization",
            r -> {}));
    Map<String, String> basic = new LinkedHashMap<>(writeJson());
    basic.put("Authorization", "Basic dXNlcjpwYXNz");
    c.add(
        new Case(
            "Basic instead of Bearer",
            "POST",
            "/api/v1/models",
            basic,
            utf8("{\"name\":\"x4\"}"),
            false,
            401,
            "Authorization",
            r -> {}));
    Map<String, String> reader = new LinkedHashMap<>(writeJson());
    reader.put("Authorization", "Bearer " + TestRegistry.READ_TOKEN);
    c.add(
        new Case(
            "write with a read-only token",
            "POST",
            "/api/v1/models",
            reader,
            utf8("{\"name\":\"x5\"}"),
            false,
            403,
            "Authorization",
            r -> {}));
    Map<String, String> upNoToken = new LinkedHashMap<>(up);
    upNoToken.remove("Authorization");
    c.add(
        new Case(
            "upload without a token",
            "POST",
            "/api/v1/artifacts",
            upNoToken,
            random,
            false,
            401,
            "Authorization",
            r -> assertFalse(registry.client().hasArtifact(randomSha), "nothing stored")));

    // JSON
    c.add(json("malformed JSON", "POST", "/api/v1/models", "{\"name\": ", 400, null));
    c.add(json("JSON array instead of an object", "POST", "/api/v1/models", "[\"m\"]", 400, null));
    c.add(json("empty body", "POST", "/api/v1/models", "", 400, null));
    c.add(
        json(
            "duplicate key",
            "POST",
            "/api/v1/models",
            "{\"name\":\"a\",\"name\":\"b\"}",
            400,
            "name"));
    c.add(
        json(
            "unknown field",
            "POST",
            "/api/v1/models",
            "{\"name\":\"a\",\"lables\":[]}",
            400,
            "lables"));
    c.add(
        json(
            "wrong type",
            "POST",
            "/api/v1/models",
            "{\"name\":\"a\",\"labels\":\"x\"}",
            400,
            "labels"));
    c.add(json("trailing garbage", "POST", "/api/v1/models", "{\"name\":\"a\"} x", 400, null));
    c.add(
        json(
            "parent_version without method",
            "POST",
            "/api/v1/models/m/versions",
            "{\"parent_version\":1,\"artifacts\":[{\"name\":\"w\",\"sha256\":\"" + sha + "\"}]}",
            400,
            "method"));
    c.add(
        json(
            "no artifacts",
            "POST",
            "/api/v1/models/m/versions",
            "{\"artifacts\":[]}",
            400,
            "artifacts"));
    c.add(
        json(
            "progress 1.5",
            "POST",
            "/api/v1/jobs/x/progress",
            "{\"worker_id\":\"w\",\"progress\":1.5}",
            400,
            "progress"));
    c.add(get("unknown query parameter", "/api/v1/models?limt=5", 400, "limt"));
    c.add(get("limit over 500", "/api/v1/models?limit=1000", 400, "limit"));
    c.add(get("malformed tag filter", "/api/v1/versions?tag=bad%20key", 400, "tag"));

    // content that does not match
    Map<String, String> lie = new LinkedHashMap<>(up);
    lie.put("X-Content-SHA256", otherSha);
    c.add(
        new Case(
            "upload whose sha256 does not match X-Content-SHA256",
            "POST",
            "/api/v1/artifacts",
            lie,
            random,
            false,
            422,
            "X-Content-SHA256",
            r -> {
              assertFalse(registry.client().hasArtifact(randomSha), "content not stored");
              assertFalse(
                  registry.client().hasArtifact(otherSha), "nothing under the declared sha");
            }));
    Map<String, String> badHeader = new LinkedHashMap<>(up);
    badHeader.put("X-Content-SHA256", "xyz");
    c.add(
        new Case(
            "malformed X-Content-SHA256",
            "POST",
            "/api/v1/artifacts",
            badHeader,
            random,
            false,
            400,
            "X-Content-SHA256",
            r -> {}));
    c.add(
        json(
            "version naming a blob never uploaded",
            "POST",
            "/api/v1/models/m/versions",
            version("w.bin", "ab".repeat(32)),
            422,
            "artifacts[0].sha256"));
    c.add(
        json(
            "version with a size that does not match the blob",
            "POST",
            "/api/v1/models/m/versions",
            "{\"artifacts\":[{\"name\":\"w.bin\",\"sha256\":\"" + sha + "\",\"size\":1}]}",
            422,
            "artifacts[0].size"));
    c.add(
        json(
            "unknown parent version",
            "POST",
            "/api/v1/models/m/versions",
            "{\"parent_version\":9,\"method\":\"chip\",\"artifacts\":[{\"name\":\"w\",\"sha256\":\""
                + sha
                + "\"}]}",
            422,
            "parent_version"));
    c.add(
        json(
            "alias to an unknown version",
            "PUT",
            "/api/v1/models/m/aliases/champion",
            "{\"version\":42}",
            422,
            "version"));
    c.add(
        new Case(
            "range beyond the end",
            "GET",
            "/api/v1/artifacts/" + sha,
            Map.of("Range", "bytes=999999-"),
            null,
            false,
            416,
            "Range",
            r -> assertEquals("bytes */1000", r.headers().get("content-range"))));

    // routing
    c.add(get("unknown route", "/api/v1/nothing-here", 404, null));
    c.add(
        new Case(
            "wrong method",
            "DELETE",
            "/api/v1/models",
            Map.of("Authorization", W),
            null,
            false,
            405,
            null,
            r -> {}));
    return c;
  }

  @Test
  void badInputGetsTheRightStatusAndAJsonErrorAndStoresNothing() {
    List<String> table = new ArrayList<>();
    table.add("| what was tried | status | error JSON |");
    table.add("|---|---|---|");
    List<String> failures = new ArrayList<>();
    long versionsBefore = registry.client().getModel("m").latestVersion();
    for (Case k : cases()) {
      Response r =
          RawHttp.send(registry.port(), k.method(), k.target(), k.headers(), k.body(), k.chunked());
      String shown = r.text().replace("|", "\\|");
      table.add("| " + k.what() + " | " + r.status() + " | `" + shown + "` |");
      try {
        assertEquals(k.status(), r.status(), "status");
        assertEquals("application/json", r.headers().get("content-type"));
        JsonNode body = r.json();
        assertTrue(body.isObject() && body.size() == 2, "exactly error and field: " + body);
        assertTrue(
            body.get("error").isTextual() && !body.get("error").asText().isBlank(), "error text");
        if (k.field() == null) {
          assertTrue(body.get("field").isNull(), "field null, was " + body.get("field"));
        } else {
          assertEquals(k.field(), body.get("field").asText(), "field");
        }
        k.also().accept(r);
      } catch (AssertionError | RuntimeException e) {
        failures.add(k.what() + ": " + e.getMessage() + " -- got " + r.status() + " " + r.text());
      }
    }
    System.out.println(String.join("\n", table));
    if (!failures.isEmpty()) {
      fail(failures.size() + " case(s) failed:\n" + String.join("\n", failures));
    }
    assertEquals(
        versionsBefore, registry.client().getModel("m").latestVersion(), "no version was created");
    assertEquals(
        200,
        RawHttp.send(registry.port(), "GET", "/api/v1/health", Map.of()).status(),
        "still serving");
  }
}
