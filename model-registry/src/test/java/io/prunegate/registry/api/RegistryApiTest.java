package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.LineageStep;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.RawHttp.Response;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import io.prunegate.registry.server.RegistryOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST API end to end against a real in-process server (H2, local artifacts). */
class RegistryApiTest {

  @TempDir static Path dir;
  static TestRegistry registry;
  static RegistryClient client;

  @BeforeAll
  static void start() {
    registry = TestRegistry.start(dir.resolve("registry"));
    client = registry.client();
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static Map<String, String> auth() {
    return Map.of("Authorization", "Bearer " + TestRegistry.TOKEN);
  }

  @Test
  void modelsVersionsLineageAliasesAndSearch() {
    RegisteredModel m =
        client.registerModel(
            new NewModel(
                "sentiment", "hf:demo/bert", "text-classification", List.of("neg", "pos"), null));
    assertEquals("sentiment", m.name());
    RegistryException dup =
        assertThrows(
            RegistryException.class,
            () -> client.registerModel(NewModel.of("sentiment", null, List.of())));
    assertEquals(409, dup.status());
    assertEquals("name", dup.field());
    assertEquals("sentiment", client.ensureModel(NewModel.of("sentiment", null, List.of())).name());

    Path baseDir =
        TestRegistry.files(
            dir.resolve("base"), 1, 4096, "config.json", "model.safetensors", "tokenizer.json");
    ModelVersion v1 = client.createVersion("sentiment", baseDir, VersionSpec.base());
    assertEquals(1, v1.version());
    assertTrue(v1.isBase());
    assertEquals(3, v1.artifacts().size());
    Path chipDir =
        TestRegistry.files(dir.resolve("chip"), 2, 1024, "chips.safetensors", "manifest.json");
    ModelVersion v2 =
        client.createVersion(
            "sentiment",
            chipDir,
            VersionSpec.derived(1, "chip")
                .withParameters(Map.of("layer", 6))
                .withMetrics(Map.of("accuracy", 0.912))
                .withTags(Map.of("stage", "candidate")));
    ModelVersion v3 =
        client.createVersion(
            "sentiment",
            TestRegistry.files(dir.resolve("cut"), 3, 1024, "model.safetensors", "report.html"),
            VersionSpec.derived(2, "finercut").withTags(Map.of("stage", "candidate")));
    assertEquals(List.of(2, 3), List.of(v2.version(), v3.version()));

    ModelVersion got = client.getVersion("sentiment", 3);
    assertEquals(List.of(2, 1), got.lineage().stream().map(LineageStep::version).toList());
    assertEquals(List.of("chip", "base"), got.lineage().stream().map(LineageStep::method).toList());
    assertEquals(0.912, ((Number) got.lineage().get(0).metrics().get("accuracy")).doubleValue());

    Page<ModelVersion> chips = client.listVersions(VersionQuery.of("sentiment").withMethod("chip"));
    assertEquals(List.of(2), chips.items().stream().map(ModelVersion::version).toList());
    assertEquals(
        2, client.listVersions(VersionQuery.of("sentiment").withTag("stage", "candidate")).total());
    assertEquals(
        List.of(2),
        client.listVersions(VersionQuery.of("sentiment").withParent(1)).items().stream()
            .map(ModelVersion::version)
            .toList());
    Page<ModelVersion> page = client.listVersions(VersionQuery.of("sentiment").page(1, 1));
    assertEquals(3, page.total());
    assertEquals(2, page.items().get(0).version());
    assertTrue(page.hasMore());
    assertEquals(1, client.listVersions(VersionQuery.all().withMethod("finercut")).total());
    assertEquals(1, client.listModels(new ModelQuery("senti", null, 10, 0)).total());

    client.setAlias("sentiment", "champion", 1);
    client.setAlias("sentiment", "challenger", 2);
    assertEquals(1, client.resolve("sentiment").version());
    assertEquals(2, client.resolve(ModelRef.parse("sentiment@challenger")).version());
    assertEquals(3, client.resolve("sentiment:3").version());
    client.setAlias("sentiment", "champion", 2);
    assertEquals(2, client.resolve("sentiment").version());
    assertEquals(Map.of("champion", 2, "challenger", 2), client.getModel("sentiment").aliases());
    client.deleteAlias("sentiment", "challenger");
    RegistryException gone =
        assertThrows(RegistryException.class, () -> client.resolve("sentiment@challenger"));
    assertEquals(404, gone.status());
    assertEquals("alias", gone.field());
    assertEquals(1, client.listAliases("sentiment").size());

    ModelVersion rejected = client.setTag("sentiment", 3, "rejected", "worse by 2.4 points");
    assertEquals("worse by 2.4 points", rejected.tags().get("rejected"));
    assertEquals("candidate", rejected.tags().get("stage"));
    assertEquals(
        List.of(3),
        client.listVersions(VersionQuery.of("sentiment").withTag("rejected", null)).items().stream()
            .map(ModelVersion::version)
            .toList());
    client.deleteTag("sentiment", 3, "rejected");
    assertEquals(Map.of("stage", "candidate"), client.getVersion("sentiment", 3).tags());
    RegistryException noTag =
        assertThrows(RegistryException.class, () -> client.deleteTag("sentiment", 3, "rejected"));
    assertEquals(404, noTag.status());
    assertEquals("tag", noTag.field());
    assertThrows(IllegalArgumentException.class, () -> client.setTag("sentiment", 3, "a b", "x"));
  }

  @Test
  void idempotencyKeyInBodyOrHeaderReturnsTheSameVersion() {
    client.registerModel(NewModel.of("idem", null, List.of()));
    Path files = TestRegistry.files(dir.resolve("idem"), 4, 100, "model.safetensors");
    ModelVersion a =
        client.createVersion("idem", files, VersionSpec.base().withIdempotencyKey("run-42"));
    ModelVersion b =
        client.createVersion("idem", files, VersionSpec.base().withIdempotencyKey("run-42"));
    assertEquals(a.version(), b.version());
    assertEquals(1, client.getModel("idem").latestVersion());

    Artifact art = a.artifacts().get(0);
    String body =
        "{\"artifacts\":[{\"name\":\"model.safetensors\",\"sha256\":\"" + art.sha256() + "\"}]}";
    Map<String, String> h = new java.util.HashMap<>(auth());
    h.put("Content-Type", "application/json");
    h.put("Idempotency-Key", "hdr-1");
    Response first =
        RawHttp.send(
            registry.port(),
            "POST",
            "/api/v1/models/idem/versions",
            h,
            body.getBytes(StandardCharsets.UTF_8),
            false);
    Response second =
        RawHttp.send(
            registry.port(),
            "POST",
            "/api/v1/models/idem/versions",
            h,
            body.getBytes(StandardCharsets.UTF_8),
            false);
    assertEquals(201, first.status());
    assertEquals(200, second.status());
    assertEquals(first.json().get("version"), second.json().get("version"));
    assertEquals("/api/v1/models/idem/versions/2", first.headers().get("location"));
  }

  @Test
  void artifactsServeRangesEtagsAndHead() throws Exception {
    byte[] content = new byte[100_000];
    new java.util.Random(7).nextBytes(content);
    Path f = dir.resolve("blob.bin");
    Files.write(f, content);
    Artifact a = client.uploadArtifact(f);
    assertEquals(Sha256.of(content), a.sha256());
    assertTrue(client.hasArtifact(a.sha256()));
    String path = "/api/v1/artifacts/" + a.sha256();

    Response full = RawHttp.send(registry.port(), "GET", path, Map.of());
    assertEquals(200, full.status());
    assertArrayEquals(content, full.body());
    assertEquals("\"" + a.sha256() + "\"", full.headers().get("etag"));
    assertEquals("bytes", full.headers().get("accept-ranges"));

    Response mid = RawHttp.send(registry.port(), "GET", path, Map.of("Range", "bytes=1000-1999"));
    assertEquals(206, mid.status());
    assertEquals("bytes 1000-1999/100000", mid.headers().get("content-range"));
    assertArrayEquals(Arrays.copyOfRange(content, 1000, 2000), mid.body());
    Response tail = RawHttp.send(registry.port(), "GET", path, Map.of("Range", "bytes=-10"));
    assertArrayEquals(Arrays.copyOfRange(content, 99_990, 100_000), tail.body());
    Response open = RawHttp.send(registry.port(), "GET", path, Map.of("Range", "bytes=99000-"));
    assertEquals(1000, open.body().length);
    Response staleIfRange =
        RawHttp.send(
            registry.port(), "GET", path, Map.of("Range", "bytes=10-", "If-Range", "\"other\""));
    assertEquals(200, staleIfRange.status(), "If-Range mismatch sends everything");
    assertEquals(100_000, staleIfRange.body().length);

    Response beyond = RawHttp.send(registry.port(), "GET", path, Map.of("Range", "bytes=100000-"));
    assertEquals(416, beyond.status());
    assertEquals("bytes */100000", beyond.headers().get("content-range"));
    assertEquals("Range", beyond.json().get("field").asText());

    Response notModified =
        RawHttp.send(
            registry.port(), "GET", path, Map.of("If-None-Match", "\"" + a.sha256() + "\""));
    assertEquals(304, notModified.status());
    Response head = RawHttp.send(registry.port(), "HEAD", path, Map.of());
    assertEquals(200, head.status());
    assertEquals("100000", head.headers().get("content-length"));
    assertEquals(0, head.body().length);
    assertEquals(
        404,
        RawHttp.send(registry.port(), "HEAD", "/api/v1/artifacts/" + "0".repeat(64), Map.of())
            .status());
  }

  @Test
  void downloadsIntoTheCacheAndSkipsVerifiedFiles() throws Exception {
    client.registerModel(NewModel.of("cached", null, List.of("a", "b")));
    Path src =
        TestRegistry.files(
            dir.resolve("cached-src"), 5, 50_000, "config.json", "model.safetensors");
    ModelVersion v = client.createVersion("cached", src, VersionSpec.base());
    Path cache = dir.resolve("cache");
    DownloadedVersion first = client.download("cached", v.version(), cache);
    assertEquals(cache.resolve("cached").resolve("1"), first.directory());
    assertEquals(100_000, first.bytesTransferred());
    for (DownloadedVersion.FileDownload f : first.files()) {
      assertEquals(DownloadedVersion.Outcome.DOWNLOADED, f.outcome());
      assertArrayEquals(Files.readAllBytes(src.resolve(f.name())), Files.readAllBytes(f.path()));
    }
    DownloadedVersion again = client.download(ModelRef.parse("cached:1"), cache);
    assertEquals(0, again.bytesTransferred());
    assertTrue(
        again.files().stream().allMatch(f -> f.outcome() == DownloadedVersion.Outcome.CACHED));
  }

  @Test
  void jobsOverHttp() {
    client.registerModel(NewModel.of("jobs-model", null, List.of()));
    client.createVersion(
        "jobs-model",
        TestRegistry.files(dir.resolve("jm"), 6, 10, "model.safetensors"),
        VersionSpec.base());
    Job j =
        client.createJob(
            new NewJob("jobs-model", 1, "chip", Map.of("layers", List.of(3, 4)), "compress-1"));
    assertEquals(JobState.PENDING, j.state());
    assertEquals(
        j.id(), client.createJob(new NewJob("jobs-model", 1, "chip", Map.of(), "compress-1")).id());

    Job claimed = client.claimJob("pruner-1", Duration.ofMinutes(5), Set.of("chip")).orElseThrow();
    assertEquals(j.id(), claimed.id());
    assertEquals("pruner-1", claimed.workerId());
    assertTrue(
        client.claimJob("pruner-2", Duration.ofMinutes(5)).isEmpty(), "204 when nothing to claim");
    Job p = client.reportProgress(j.id(), "pruner-1", 0.25, "probing layer 3");
    assertEquals(0.25, p.progress());
    RegistryException stolen =
        assertThrows(
            RegistryException.class, () -> client.reportProgress(j.id(), "pruner-2", 0.3, null));
    assertEquals(409, stolen.status());
    assertEquals("worker_id", stolen.field());
    Job done = client.finishJob(j.id(), "pruner-1", Map.of("version", 2));
    assertEquals(JobState.FINISHED, done.state());
    assertEquals(Map.of("version", 2), client.getJob(j.id()).result());
    assertEquals(
        1,
        client
            .listJobs(JobQuery.all().withState(JobState.FINISHED).withModel("jobs-model"))
            .total());

    Job second = client.createJob(new NewJob("jobs-model", 1, "finercut", Map.of(), null));
    client.claimJob("pruner-1", Duration.ofSeconds(30));
    Job failed = client.failJob(second.id(), "pruner-1", "calibration data missing");
    assertEquals(JobState.FAILED, failed.state());
    assertEquals("calibration data missing", failed.error());
    assertEquals(404, assertThrows(RegistryException.class, () -> client.getJob("nope")).status());
  }

  @Test
  void garbageCollectionKeepsReferencedAndRecentBlobs() throws Exception {
    Path orphan = dir.resolve("orphan.bin");
    Files.writeString(orphan, "nobody refers to me");
    Artifact a = client.uploadArtifact(orphan);
    String body = "{\"grace_seconds\":3600,\"dry_run\":false}";
    Map<String, String> h = new java.util.HashMap<>(auth());
    h.put("Content-Type", "application/json");
    Response keep =
        RawHttp.send(
            registry.port(),
            "POST",
            "/api/v1/admin/gc",
            h,
            body.getBytes(StandardCharsets.UTF_8),
            false);
    assertEquals(200, keep.status());
    assertTrue(keep.json().get("blobs_kept_recent").asInt() >= 1);
    assertTrue(client.hasArtifact(a.sha256()));

    // age the orphan past the grace period: only it goes
    Path blob =
        dir.resolve("registry/artifacts/sha256")
            .resolve(a.sha256().substring(0, 2))
            .resolve(a.sha256());
    Files.setLastModifiedTime(
        blob, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    Response gc =
        RawHttp.send(
            registry.port(),
            "POST",
            "/api/v1/admin/gc",
            h,
            body.getBytes(StandardCharsets.UTF_8),
            false);
    JsonNode report = gc.json();
    assertEquals(1, report.get("blobs_deleted").asInt());
    assertFalse(client.hasArtifact(a.sha256()));
    assertTrue(report.get("blobs_referenced").asInt() >= 1);
  }

  @Test
  void healthAndOpenApiAreServed() {
    Response health = RawHttp.send(registry.port(), "GET", "/api/v1/health", Map.of());
    assertEquals(200, health.status());
    assertEquals("ok", health.json().get("status").asText());
    assertFalse(health.json().get("relay").get("enabled").asBoolean());
    Response doc = RawHttp.send(registry.port(), "GET", "/api/v1/openapi.json", Map.of());
    assertEquals("3.0.3", doc.json().get("openapi").asText());
  }

  @Test
  void protectedReadsNeedAToken(@TempDir Path other) {
    try (TestRegistry locked =
        TestRegistry.start(other, v -> v.with(RegistryOptions.READS_NEED_TOKEN, true))) {
      Response anonymous = RawHttp.send(locked.port(), "GET", "/api/v1/models", Map.of());
      assertEquals(401, anonymous.status());
      assertEquals("Authorization", anonymous.json().get("field").asText());
      assertEquals(
          200,
          RawHttp.send(
                  locked.port(),
                  "GET",
                  "/api/v1/models",
                  Map.of("Authorization", "Bearer " + TestRegistry.READ_TOKEN))
              .status());
      Response readerWrites =
          RawHttp.send(
              locked.port(),
              "POST",
              "/api/v1/models",
              Map.of(
                  "Authorization",
                  "Bearer " + TestRegistry.READ_TOKEN,
                  "Content-Type",
                  "application/json"),
              "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8),
              false);
      assertEquals(403, readerWrites.status());
      assertEquals(
          200,
          RawHttp.send(locked.port(), "GET", "/api/v1/health", Map.of()).status(),
          "health stays open");
      assertEquals("Authorization", readerWrites.json().get("field").asText());
      assertEquals("this token may only read", readerWrites.json().get("error").asText());
    }
  }
}
