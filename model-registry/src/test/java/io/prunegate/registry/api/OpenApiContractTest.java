package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.RawHttp.Response;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code /api/v1/openapi.json} true: the set of (method, path) the Vert.x router serves
 * equals the set the document lists; every documented operation is answered by its handler (not by
 * the router's no-route or wrong-method error); and every response of a full walk through the API
 * has a status the document lists for that operation and a body that conforms to its schema.
 */
class OpenApiContractTest {

  @TempDir static Path dir;
  static TestRegistry registry;
  static JsonNode doc;
  static SchemaCheck schemas;

  @BeforeAll
  static void start() {
    registry = TestRegistry.start(dir.resolve("registry"));
    doc = RawHttp.send(registry.port(), "GET", "/api/v1/openapi.json", Map.of()).json();
    schemas = new SchemaCheck(doc);
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static Set<String> documented() {
    Set<String> ops = new TreeSet<>();
    Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
    while (paths.hasNext()) {
      Map.Entry<String, JsonNode> p = paths.next();
      p.getValue()
          .fieldNames()
          .forEachRemaining(m -> ops.add(m.toUpperCase(Locale.ROOT) + " " + p.getKey()));
    }
    return ops;
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    Set<String> served = new TreeSet<>();
    for (Route r : registry.server().api().router().getRoutes()) {
      if (r.getPath() == null) {
        continue; // the catch-all failure handler
      }
      String path = r.getPath().replaceAll(":([a-zA-Z0-9_]+)", "{$1}");
      for (HttpMethod m : r.methods()) {
        served.add(m.name() + " " + path);
      }
    }
    assertEquals(documented(), served);
    assertTrue(served.size() >= 25, "all routes: " + served);
  }

  @Test
  void everyDocumentedOperationReachesItsHandler() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + TestRegistry.TOKEN);
    h.put("Content-Type", "application/json");
    for (String op : documented()) {
      String method = op.substring(0, op.indexOf(' '));
      String path =
          op.substring(op.indexOf(' ') + 1)
              .replace("{name}", "placeholder")
              .replace("{version}", "1")
              .replace("{alias}", "champion")
              .replace("{key}", "rejected")
              .replace("{sha256}", "0".repeat(64))
              .replace("{id}", "no-such-job");
      byte[] body =
          method.equals("POST") || method.equals("PUT")
              ? "{}".getBytes(StandardCharsets.UTF_8)
              : null;
      Response r = RawHttp.send(registry.port(), method, path, h, body, false);
      assertNotEquals(405, r.status(), op);
      if (r.status() == 404 && !method.equals("HEAD")) {
        assertFalse(r.json().get("error").asText().startsWith("no route"), op + " is not routed");
      }
      JsonNode responses =
          doc.get("paths")
              .get(op.substring(op.indexOf(' ') + 1))
              .get(method.toLowerCase(Locale.ROOT))
              .get("responses");
      assertTrue(
          responses.has(String.valueOf(r.status())),
          op + " answered undocumented status " + r.status() + ": " + r.text());
    }
  }

  @Test
  void responsesOfAFullWalkMatchTheDocument() throws Exception {
    RegistryClient client = registry.client();
    client.registerModel(NewModel.of("walk-base", null, List.of("x")));
    Path files =
        TestRegistry.files(dir.resolve("walk"), 9, 500, "config.json", "model.safetensors");
    ModelVersion v1 = client.createVersion("walk-base", files, VersionSpec.base());
    Artifact a = v1.artifacts().get(0);
    String sha = a.sha256();
    Path orphan = dir.resolve("orphan");
    Files.writeString(orphan, "orphan");

    Map<String, String> h = new LinkedHashMap<>();
    h.put("Authorization", "Bearer " + TestRegistry.TOKEN);
    h.put("Content-Type", "application/json");
    List<String[]> calls = new ArrayList<>();
    // method, path (as documented), concrete target, body
    calls.add(new String[] {"GET", "/api/v1/health", "/api/v1/health", null});
    calls.add(new String[] {"GET", "/api/v1/openapi.json", "/api/v1/openapi.json", null});
    calls.add(new String[] {"GET", "/api/v1/metrics", "/api/v1/metrics", null});
    calls.add(
        new String[] {
          "POST",
          "/api/v1/models",
          "/api/v1/models",
          "{\"name\":\"walk\",\"source\":\"s\",\"labels\":[\"a\",\"b\"]}"
        });
    calls.add(new String[] {"POST", "/api/v1/models", "/api/v1/models", "{\"name\":\"walk\"}"});
    calls.add(new String[] {"GET", "/api/v1/models", "/api/v1/models?q=wa&limit=5", null});
    calls.add(new String[] {"GET", "/api/v1/models/{name}", "/api/v1/models/walk", null});
    calls.add(new String[] {"GET", "/api/v1/models/{name}", "/api/v1/models/nope", null});
    String version =
        "{\"metrics\":{\"accuracy\":0.9},\"tags\":{\"k\":\"v\"},\"artifacts\":[{\"name\":\"config.json\",\"sha256\":\""
            + sha
            + "\"}]}";
    calls.add(
        new String[] {
          "POST", "/api/v1/models/{name}/versions", "/api/v1/models/walk/versions", version
        });
    String variant =
        "{\"parent_version\":1,\"method\":\"chip\",\"idempotency_key\":\"k1\",\"artifacts\":[{\"name\":\"chips.safetensors\",\"sha256\":\""
            + sha
            + "\",\"size\":"
            + a.size()
            + "}]}";
    calls.add(
        new String[] {
          "POST", "/api/v1/models/{name}/versions", "/api/v1/models/walk/versions", variant
        });
    calls.add(
        new String[] {
          "POST", "/api/v1/models/{name}/versions", "/api/v1/models/walk/versions", variant
        });
    calls.add(
        new String[] {
          "POST",
          "/api/v1/models/{name}/versions",
          "/api/v1/models/walk/versions",
          "{\"artifacts\":[{\"name\":\"x\",\"sha256\":\"" + "1".repeat(64) + "\"}]}"
        });
    calls.add(
        new String[] {
          "GET",
          "/api/v1/models/{name}/versions",
          "/api/v1/models/walk/versions?tag=k:v&method=base",
          null
        });
    calls.add(
        new String[] {
          "GET", "/api/v1/models/{name}/versions/{version}", "/api/v1/models/walk/versions/2", null
        });
    calls.add(
        new String[] {
          "GET", "/api/v1/versions", "/api/v1/versions?parent=1&limit=10&offset=0", null
        });
    calls.add(
        new String[] {
          "PUT",
          "/api/v1/models/{name}/versions/{version}/tags/{key}",
          "/api/v1/models/walk/versions/2/tags/rejected",
          "{\"value\":\"worse by 2 points\"}"
        });
    calls.add(
        new String[] {
          "DELETE",
          "/api/v1/models/{name}/versions/{version}/tags/{key}",
          "/api/v1/models/walk/versions/2/tags/rejected",
          null
        });
    calls.add(
        new String[] {
          "PUT",
          "/api/v1/models/{name}/aliases/{alias}",
          "/api/v1/models/walk/aliases/champion",
          "{\"version\":2}"
        });
    calls.add(
        new String[] {
          "GET",
          "/api/v1/models/{name}/aliases/{alias}",
          "/api/v1/models/walk/aliases/champion",
          null
        });
    calls.add(
        new String[] {"GET", "/api/v1/models/{name}/aliases", "/api/v1/models/walk/aliases", null});
    calls.add(new String[] {"GET", "/api/v1/resolve", "/api/v1/resolve?ref=walk%40champion", null});
    calls.add(
        new String[] {
          "PUT",
          "/api/v1/models/{name}/aliases/{alias}",
          "/api/v1/models/walk/aliases/shadow",
          "{\"version\":1}"
        });
    calls.add(
        new String[] {
          "DELETE",
          "/api/v1/models/{name}/aliases/{alias}",
          "/api/v1/models/walk/aliases/shadow",
          null
        });
    calls.add(
        new String[] {
          "POST",
          "/api/v1/jobs",
          "/api/v1/jobs",
          "{\"model\":\"walk\",\"version\":1,\"method\":\"chip\",\"parameters\":{\"l\":[1]},\"idempotency_key\":\"j1\"}"
        });
    calls.add(
        new String[] {
          "POST",
          "/api/v1/jobs",
          "/api/v1/jobs",
          "{\"model\":\"walk\",\"version\":1,\"method\":\"chip\",\"idempotency_key\":\"j1\"}"
        });
    calls.add(
        new String[] {
          "POST",
          "/api/v1/jobs/claim",
          "/api/v1/jobs/claim",
          "{\"worker_id\":\"w\",\"lease_seconds\":60}"
        });
    calls.add(
        new String[] {"POST", "/api/v1/jobs/claim", "/api/v1/jobs/claim", "{\"worker_id\":\"w\"}"});
    calls.add(new String[] {"GET", "/api/v1/jobs", "/api/v1/jobs?state=claimed&model=walk", null});
    calls.add(new String[] {"POST", "/api/v1/admin/gc", "/api/v1/admin/gc", "{\"dry_run\":true}"});

    List<String> problems = new ArrayList<>();
    for (String[] c : calls) {
      Response r =
          RawHttp.send(
              registry.port(),
              c[0],
              c[2],
              h,
              c[3] == null ? null : c[3].getBytes(StandardCharsets.UTF_8),
              false);
      problems.addAll(conform(c[0], c[1], r));
      problems.addAll(requestConforms(c[0], c[1], c[3], r));
    }
    // job routes with an id, after the claim above
    String jobId =
        RawHttp.send(registry.port(), "GET", "/api/v1/jobs?model=walk", h)
            .json()
            .get("items")
            .get(0)
            .get("id")
            .asText();
    String[][] jobCalls = {
      {"GET", "/api/v1/jobs/{id}", "/api/v1/jobs/" + jobId, null},
      {
        "POST",
        "/api/v1/jobs/{id}/progress",
        "/api/v1/jobs/" + jobId + "/progress",
        "{\"worker_id\":\"w\",\"progress\":0.5,\"message\":\"half\"}"
      },
      {
        "POST",
        "/api/v1/jobs/{id}/progress",
        "/api/v1/jobs/" + jobId + "/progress",
        "{\"worker_id\":\"other\",\"progress\":0.5}"
      },
      {
        "POST",
        "/api/v1/jobs/{id}/finish",
        "/api/v1/jobs/" + jobId + "/finish",
        "{\"worker_id\":\"w\",\"result\":{\"version\":3}}"
      },
      {
        "POST",
        "/api/v1/jobs/{id}/fail",
        "/api/v1/jobs/" + jobId + "/fail",
        "{\"worker_id\":\"w\",\"error\":\"late\"}"
      },
      {"GET", "/api/v1/jobs/{id}", "/api/v1/jobs/none", null},
    };
    for (String[] c : jobCalls) {
      Response r =
          RawHttp.send(
              registry.port(),
              c[0],
              c[2],
              h,
              c[3] == null ? null : c[3].getBytes(StandardCharsets.UTF_8),
              false);
      problems.addAll(conform(c[0], c[1], r));
      problems.addAll(requestConforms(c[0], c[1], c[3], r));
    }
    // artifacts: upload (new and deduplicated), download, range, head
    Map<String, String> up = Map.of("Authorization", "Bearer " + TestRegistry.TOKEN);
    byte[] content = Files.readAllBytes(orphan);
    problems.addAll(
        conform(
            "POST",
            "/api/v1/artifacts",
            RawHttp.send(registry.port(), "POST", "/api/v1/artifacts", up, content, false)));
    problems.addAll(
        conform(
            "POST",
            "/api/v1/artifacts",
            RawHttp.send(registry.port(), "POST", "/api/v1/artifacts", up, content, true)));
    problems.addAll(
        conform(
            "GET",
            "/api/v1/artifacts/{sha256}",
            RawHttp.send(registry.port(), "GET", "/api/v1/artifacts/" + sha, Map.of())));
    problems.addAll(
        conform(
            "GET",
            "/api/v1/artifacts/{sha256}",
            RawHttp.send(
                registry.port(), "GET", "/api/v1/artifacts/" + sha, Map.of("Range", "bytes=0-9"))));
    problems.addAll(
        conform(
            "HEAD",
            "/api/v1/artifacts/{sha256}",
            RawHttp.send(registry.port(), "HEAD", "/api/v1/artifacts/" + sha, Map.of())));
    assertEquals(List.of(), problems);
  }

  /** A request the server accepted conforms to the documented request schema. */
  private static List<String> requestConforms(String method, String path, String body, Response r) {
    if (body == null || r.status() >= 300) {
      return List.of();
    }
    String ref =
        doc.path("paths")
            .path(path)
            .path(method.toLowerCase(Locale.ROOT))
            .path("requestBody")
            .path("content")
            .path("application/json")
            .path("schema")
            .path("$ref")
            .asText();
    List<String> out = new ArrayList<>();
    for (String e :
        schemas.check(
            ref.substring(ref.lastIndexOf('/') + 1),
            io.prunegate.registry.RegistryJson.parse(body.getBytes(StandardCharsets.UTF_8)))) {
      out.add(method + " " + path + " request: " + e);
    }
    return out;
  }

  /** The status is documented for the operation and the JSON body conforms to its schema. */
  private static List<String> conform(String method, String path, Response r) {
    List<String> out = new ArrayList<>();
    JsonNode op = doc.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
    if (op.isMissingNode()) {
      out.add(method + " " + path + ": not documented");
      return out;
    }
    JsonNode resp = op.path("responses").path(String.valueOf(r.status()));
    if (resp.isMissingNode()) {
      out.add(
          method + " " + path + ": status " + r.status() + " not documented (" + r.text() + ")");
      return out;
    }
    JsonNode content = resp.path("content");
    if (content.has("application/json")) {
      String ref = content.get("application/json").path("schema").path("$ref").asText();
      String name = ref.substring(ref.lastIndexOf('/') + 1);
      if (!"application/json".equals(r.headers().get("content-type"))) {
        out.add(
            method
                + " "
                + path
                + " "
                + r.status()
                + ": content-type "
                + r.headers().get("content-type"));
      }
      for (String e : schemas.check(name, r.json())) {
        out.add(method + " " + path + " " + r.status() + " (" + name + "): " + e);
      }
    } else if (content.size() == 0 && r.body().length > 0 && !method.equals("HEAD")) {
      out.add(method + " " + path + " " + r.status() + ": body where none is documented");
    }
    return out;
  }
}
