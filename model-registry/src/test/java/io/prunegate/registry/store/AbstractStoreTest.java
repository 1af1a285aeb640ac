package io.prunegate.registry.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.EventCodec;
import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.LineageStep;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.VersionJson.ArtifactClaim;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.StoredBlob;
import io.prunegate.registry.jobs.JobStore;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store suite: the same tests against every backend (H2 file, embedded PostgreSQL, and
 * PostgreSQL in a container where Docker exists). Each test gets a fresh, migrated database.
 */
abstract class AbstractStoreTest {

  @TempDir Path temp;

  protected Database db;
  protected ArtifactStore artifacts;
  protected CatalogStore catalog;
  protected JobStore jobs;
  protected final TestClock clock = new TestClock();

  /** JDBC URL, user and password of an empty database for one test. */
  protected abstract String[] freshDatabase(Path temp) throws Exception;

  @BeforeEach
  void open() throws Exception {
    String[] c = freshDatabase(temp);
    db = Database.open(c[0], c[1], c[2], 8, clock);
    artifacts = new ArtifactStore(temp.resolve("artifacts"));
    catalog = new CatalogStore(db, artifacts);
    jobs = new JobStore(db);
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  // ------------------------------------------------------------------ helpers

  protected ArtifactClaim blob(String name, String content) throws Exception {
    StoredBlob b =
        artifacts.put(
            new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), null, 1 << 20);
    return new ArtifactClaim(name, b.sha256(), b.size());
  }

  protected RegisteredModel model(String name) {
    return catalog.createModel(NewModel.of(name, "test", List.of("neg", "pos")));
  }

  protected ModelVersion base(String model) throws Exception {
    return catalog
        .createVersion(model, VersionSpec.base(), List.of(blob("model.safetensors", model + "-w")))
        .value();
  }

  protected List<ModelEvent> events(String model) {
    return db.inTransaction(
        tx ->
            Sql.list(
                tx.connection(),
                "SELECT payload FROM outbox WHERE model_name = ? ORDER BY id",
                rs ->
                    EventCodec.get()
                        .decodeModelEvent(rs.getString(1).getBytes(StandardCharsets.UTF_8)),
                model));
  }

  /** A store's refusal and the status the API maps its kind to. */
  private record Refusal(int status, String field) {}

  private static Refusal refusal(Runnable r) {
    StoreRefusal e = assertThrows(StoreRefusal.class, r::run);
    int status =
        e instanceof StoreRefusal.NotFound
            ? 404
            : e instanceof StoreRefusal.Conflict
                ? 409
                : e instanceof StoreRefusal.Unprocessable ? 422 : 400;
    return new Refusal(status, e.field());
  }

  // ------------------------------------------------------------------ models

  @Test
  void modelsAreCreatedListedAndUnique() {
    RegisteredModel m =
        catalog.createModel(
            new NewModel("sentiment", "hf:x/y", "text-classification", List.of("neg", "pos"), "d"));
    assertEquals("sentiment", m.name());
    assertEquals(List.of("neg", "pos"), m.labels());
    assertEquals(0, m.latestVersion());
    model("emotion");
    model("topic_news");

    Refusal dup = refusal(() -> model("sentiment"));
    assertEquals(409, dup.status());
    assertEquals("name", dup.field());
    assertEquals(404, refusal(() -> catalog.getModel("nope")).status());

    Page<RegisteredModel> all = catalog.listModels(ModelQuery.all());
    assertEquals(
        List.of("emotion", "sentiment", "topic_news"),
        all.items().stream().map(RegisteredModel::name).toList());
    Page<RegisteredModel> page = catalog.listModels(ModelQuery.all().page(1, 1));
    assertEquals(3, page.total());
    assertEquals("sentiment", page.items().get(0).name());
    assertTrue(page.hasMore());
    // LIKE wildcards in the search text are literal
    assertEquals(0, catalog.listModels(new ModelQuery("i_n", null, 50, 0)).total());
    assertEquals(1, catalog.listModels(new ModelQuery("_news", null, 50, 0)).total());
    assertEquals(0, catalog.listModels(new ModelQuery("%", null, 50, 0)).total());
  }

  // ------------------------------------------------------------------ versions

  @Test
  void versionsAreGaplessWithLineageFiltersAndPages() throws Exception {
    model("m");
    ModelVersion v1 = base("m");
    ModelVersion v2 =
        catalog
            .createVersion(
                "m",
                VersionSpec.derived(1, "chip")
                    .withParameters(Map.of("layer", 6))
                    .withMetrics(Map.of("accuracy", 0.91))
                    .withTags(Map.of("stage", "candidate", "dataset", "sst2")),
                List.of(blob("model.safetensors", "w2"), blob("chips.safetensors", "c2")))
            .value();
    ModelVersion v3 =
        catalog
            .createVersion(
                "m",
                VersionSpec.derived(2, "finercut").withTags(Map.of("stage", "candidate")),
                List.of(blob("model.safetensors", "w3")))
            .value();
    ModelVersion v4 =
        catalog
            .createVersion(
                "m", VersionSpec.derived(1, "llm-pruner"), List.of(blob("model.safetensors", "w4")))
            .value();
    assertEquals(
        List.of(1, 2, 3, 4), List.of(v1.version(), v2.version(), v3.version(), v4.version()));
    assertTrue(v1.isBase());
    assertEquals(4, catalog.getModel("m").latestVersion());

    ModelVersion got = catalog.getVersion("m", 3);
    assertEquals(List.of(2, 1), got.lineage().stream().map(LineageStep::version).toList());
    assertEquals("chip", got.lineage().get(0).method());
    assertEquals(0.91, ((Number) got.lineage().get(0).metrics().get("accuracy")).doubleValue());
    assertEquals("base", got.lineage().get(1).method());
    assertEquals(
        List.of("chips.safetensors", "model.safetensors"),
        catalog.getVersion("m", 2).artifacts().stream().map(a -> a.name()).toList());
    assertEquals(6, ((Number) catalog.getVersion("m", 2).parameters().get("layer")).intValue());

    assertEquals(List.of(2), versions(VersionQuery.of("m").withMethod("chip")));
    assertEquals(List.of(1), versions(VersionQuery.of("m").withMethod("base")));
    assertEquals(List.of(2, 4), versions(VersionQuery.of("m").withParent(1)));
    assertEquals(List.of(2, 3), versions(VersionQuery.of("m").withTag("stage", "candidate")));
    assertEquals(
        List.of(2),
        versions(VersionQuery.of("m").withTag("stage", "candidate").withTag("dataset", null)));
    assertEquals(List.of(), versions(VersionQuery.of("m").withTag("stage", "prod")));
    Page<ModelVersion> page = catalog.listVersions(VersionQuery.of("m").page(2, 1));
    assertEquals(4, page.total());
    assertEquals(List.of(2, 3), page.items().stream().map(ModelVersion::version).toList());
    assertTrue(page.items().get(0).lineage().isEmpty(), "listings carry no lineage");

    model("other");
    base("other");
    assertEquals(2, catalog.listVersions(VersionQuery.all().withMethod("base")).total());
    assertEquals(404, refusal(() -> catalog.getVersion("m", 99)).status());
    assertEquals("version", refusal(() -> catalog.getVersion("m", 99)).field());
  }

  private List<Integer> versions(VersionQuery q) {
    return catalog.listVersions(q).items().stream().map(ModelVersion::version).toList();
  }

  @Test
  void idempotencyKeyReturnsTheFirstVersion() throws Exception {
    model("m");
    ArtifactClaim a = blob("model.safetensors", "w");
    var first =
        catalog.createVersion("m", VersionSpec.base().withIdempotencyKey("k-1"), List.of(a));
    var again =
        catalog.createVersion("m", VersionSpec.base().withIdempotencyKey("k-1"), List.of(a));
    assertTrue(first.created());
    assertFalse(again.created());
    assertEquals(first.value().version(), again.value().version());
    var other =
        catalog.createVersion("m", VersionSpec.base().withIdempotencyKey("k-2"), List.of(a));
    assertEquals(2, other.value().version());
    // a key is per model
    model("n");
    assertEquals(
        1,
        catalog
            .createVersion("n", VersionSpec.base().withIdempotencyKey("k-1"), List.of(a))
            .value()
            .version());
  }

  @Test
  void refusedVersionsConsumeNoNumber() throws Exception {
    model("m");
    ArtifactClaim ok = blob("model.safetensors", "w");
    Refusal parent =
        refusal(() -> catalog.createVersion("m", VersionSpec.derived(7, "chip"), List.of(ok)));
    assertEquals(422, parent.status());
    assertEquals("parent_version", parent.field());
    ArtifactClaim missing = new ArtifactClaim("x.bin", "ab".repeat(32), null);
    Refusal blob =
        refusal(() -> catalog.createVersion("m", VersionSpec.base(), List.of(ok, missing)));
    assertEquals(422, blob.status());
    assertEquals("artifacts[1].sha256", blob.field());
    ArtifactClaim wrongSize = new ArtifactClaim("y.bin", ok.sha256(), ok.size() + 1);
    assertEquals(
        "artifacts[0].size",
        refusal(() -> catalog.createVersion("m", VersionSpec.base(), List.of(wrongSize))).field());
    assertEquals(
        404,
        refusal(() -> catalog.createVersion("nope", VersionSpec.base(), List.of(ok))).status());
    assertEquals(1, catalog.createVersion("m", VersionSpec.base(), List.of(ok)).value().version());
    // only model.created and model.registered were announced
    assertEquals(
        List.of("model.created", "model.registered"),
        events("m").stream().map(ModelEvent::type).toList());
  }

  // ------------------------------------------------------------------ aliases

  @Test
  void aliasesMoveDeleteAndResolve() throws Exception {
    model("m");
    base("m");
    catalog.createVersion("m", VersionSpec.derived(1, "chip"), List.of(blob("w", "2")));
    AliasBinding champion = catalog.setAlias("m", "champion", 1);
    assertEquals(1, champion.version());
    catalog.setAlias("m", "champion", 1); // unchanged: no event
    catalog.setAlias("m", "challenger", 2);
    catalog.setAlias("m", "champion", 2);
    assertEquals(2, catalog.resolve(ModelRef.parse("m")).version());
    assertEquals(2, catalog.resolve(ModelRef.parse("m@challenger")).version());
    assertEquals(1, catalog.resolve(ModelRef.parse("m:1")).version());
    assertEquals(List.of("challenger", "champion"), catalog.getVersion("m", 2).aliases());
    assertEquals(Map.of("champion", 2, "challenger", 2), catalog.getModel("m").aliases());

    assertEquals(422, refusal(() -> catalog.setAlias("m", "shadow", 9)).status());
    assertEquals(404, refusal(() -> catalog.setAlias("nope", "shadow", 1)).status());
    catalog.deleteAlias("m", "challenger");
    Refusal gone = refusal(() -> catalog.resolve(ModelRef.parse("m@challenger")));
    assertEquals(404, gone.status());
    assertEquals("alias", gone.field());
    assertEquals(404, refusal(() -> catalog.deleteAlias("m", "challenger")).status());
    assertEquals(
        List.of("champion"), catalog.listAliases("m").stream().map(AliasBinding::alias).toList());

    List<ModelEvent> ev = events("m");
    assertEquals(
        List.of(
            "model.created",
            "model.registered",
            "variant.registered",
            "alias.moved",
            "alias.moved",
            "alias.moved",
            "alias.deleted"),
        ev.stream().map(ModelEvent::type).toList());
    ModelEvent moved = ev.get(5);
    assertEquals("champion", moved.alias());
    assertEquals(2, moved.version());
    assertEquals(1, ((Number) moved.details().get("previous_version")).intValue());
  }

  // ------------------------------------------------------------------ tags

  @Test
  void tagsAreSetChangedRemovedAndSearchable() throws Exception {
    model("m");
    base("m");
    catalog.createVersion("m", VersionSpec.derived(1, "chip"), List.of(blob("w", "2")));
    ModelVersion tagged = catalog.setTag("m", 2, "rejected", "worse by 3.1 points");
    assertEquals(Map.of("rejected", "worse by 3.1 points"), tagged.tags());
    catalog.setTag("m", 2, "rejected", "worse by 3.1 points"); // unchanged: no event
    catalog.setTag("m", 2, "rejected", "p99 guard failed");
    assertEquals("p99 guard failed", catalog.getVersion("m", 2).tags().get("rejected"));
    assertEquals(
        List.of(2),
        catalog
            .listVersions(
                new VersionQuery(
                    "m", null, null, List.of(VersionQuery.TagFilter.parse("rejected")), 50, 0))
            .items()
            .stream()
            .map(ModelVersion::version)
            .toList());
    assertEquals(Map.of(), catalog.setTag("m", 2, "rejected", null).tags());

    Refusal absent = refusal(() -> catalog.setTag("m", 2, "rejected", null));
    assertEquals(404, absent.status());
    assertEquals("tag", absent.field());
    assertEquals(404, refusal(() -> catalog.setTag("m", 9, "rejected", "x")).status());
    assertEquals(404, refusal(() -> catalog.setTag("nope", 1, "rejected", "x")).status());

    List<ModelEvent> ev = events("m");
    assertEquals(
        List.of(
            "model.created",
            "model.registered",
            "variant.registered",
            "version.tagged",
            "version.tagged",
            "version.tagged"),
        ev.stream().map(ModelEvent::type).toList());
    ModelEvent changed = ev.get(4);
    assertEquals(2, changed.version());
    assertEquals("rejected", changed.details().get("key"));
    assertEquals("p99 guard failed", changed.details().get("value"));
    assertEquals("worse by 3.1 points", changed.details().get("previous_value"));
    ModelEvent removed = ev.get(5);
    assertEquals(null, removed.details().get("value"));
    assertEquals("p99 guard failed", removed.details().get("previous_value"));
  }

  // ------------------------------------------------------------------ outbox

  @Test
  void everyChangeIsOneOutboxEventInPerModelSequence() throws Exception {
    model("a");
    model("b");
    base("a");
    base("b");
    ModelVersion v2 =
        catalog
            .createVersion(
                "a",
                VersionSpec.derived(1, "chip").withMetrics(Map.of("accuracy", 0.9)),
                List.of(blob("model.safetensors", "x"), blob("manifest.json", "{}")))
            .value();
    catalog.setAlias("a", "champion", 2);
    Job j = jobs.create(new NewJob("a", 1, "finercut", Map.of("ratio", 0.25), null)).value();
    jobs.claim("w1", Duration.ofMinutes(1), Set.of());
    jobs.finish(j.id(), "w1", Map.of("version", 3));

    List<ModelEvent> a = events("a");
    assertEquals(
        List.of(
            "model.created",
            "model.registered",
            "variant.registered",
            "alias.moved",
            "job.created",
            "job.claimed",
            "job.finished"),
        a.stream().map(ModelEvent::type).toList());
    assertEquals(
        List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L), a.stream().map(ModelEvent::sequence).toList());
    assertEquals(List.of(1L, 2L), events("b").stream().map(ModelEvent::sequence).toList());
    Set<String> ids = new HashSet<>();
    a.forEach(e -> ids.add(e.eventId()));
    events("b").forEach(e -> ids.add(e.eventId()));
    assertEquals(9, ids.size(), "event ids are unique");

    ModelEvent created = a.get(0);
    assertEquals("text-classification", created.details().get("task"));
    assertEquals(List.of("neg", "pos"), created.details().get("labels"));
    ModelEvent variant = a.get(2);
    assertEquals(v2.version(), variant.version());
    assertEquals(1, variant.parentVersion());
    assertEquals("chip", variant.method());
    assertEquals(List.of(1), variant.details().get("lineage"));
    assertEquals(
        0.9,
        ((Number) ((Map<?, ?>) variant.details().get("metrics")).get("accuracy")).doubleValue());
    List<?> files = (List<?>) variant.details().get("artifacts");
    assertEquals(2, files.size());
    assertTrue(((Map<?, ?>) files.get(0)).containsKey("sha256"));
    ModelEvent finished = a.get(6);
    assertEquals(j.id(), finished.jobId());
    assertEquals(Map.of("version", 3), finished.details().get("result"));

    List<OutboxTable.Row> pending =
        db.inTransaction(tx -> OutboxTable.unpublished(tx.connection(), 100));
    assertEquals(9, pending.size());
    db.inTransaction(
        tx -> {
          OutboxTable.markPublished(
              tx.connection(), List.of(pending.get(0).id(), pending.get(1).id()), tx.now());
          return null;
        });
    long stillPending = db.inTransaction(tx -> OutboxTable.countUnpublished(tx.connection()));
    assertEquals(7, stillPending);
    assertEquals(
        pending.get(2).id(),
        db.inTransaction(tx -> OutboxTable.unpublished(tx.connection(), 1)).get(0).id());
  }

  // ------------------------------------------------------------------ jobs

  @Test
  void jobLifecycle() throws Exception {
    model("m");
    base("m");
    var created =
        jobs.create(new NewJob("m", 1, "chip", Map.of("layers", List.of(4, 6)), "job-key"));
    assertTrue(created.created());
    assertFalse(jobs.create(new NewJob("m", 1, "chip", Map.of(), "job-key")).created());
    assertEquals(
        409,
        refusal(() -> jobs.create(new NewJob("m", 1, "finercut", Map.of(), "job-key"))).status());
    assertEquals(
        422, refusal(() -> jobs.create(new NewJob("m", 5, "chip", Map.of(), null))).status());
    assertEquals(
        422, refusal(() -> jobs.create(new NewJob("zz", 1, "chip", Map.of(), null))).status());
    Job second = jobs.create(new NewJob("m", 1, "finercut", Map.of(), null)).value();

    Job claimed = jobs.claim("w1", Duration.ofSeconds(60), Set.of()).orElseThrow();
    assertEquals(created.value().id(), claimed.id(), "oldest first");
    assertEquals(JobState.CLAIMED, claimed.state());
    assertEquals(1, claimed.attempts());
    assertEquals(List.of(4, 6), claimed.parameters().get("layers"));

    clock.advance(Duration.ofSeconds(30));
    Job progressed = jobs.progress(claimed.id(), "w1", 0.5, "layer 6");
    assertEquals(0.5, progressed.progress());
    assertEquals("layer 6", progressed.message());
    assertTrue(
        progressed.leaseExpiresAt().isAfter(claimed.leaseExpiresAt()), "progress renews the lease");
    Refusal notMine = refusal(() -> jobs.progress(claimed.id(), "w2", 0.6, null));
    assertEquals(409, notMine.status());
    assertEquals("worker_id", notMine.field());
    assertEquals(400, refusal(() -> jobs.progress(claimed.id(), "w1", 1.5, null)).status());

    Job done = jobs.finish(claimed.id(), "w1", Map.of("version", 2));
    assertEquals(JobState.FINISHED, done.state());
    assertEquals(1.0, done.progress());
    assertEquals(Map.of("version", 2), done.result());
    assertEquals(
        JobState.FINISHED,
        jobs.finish(claimed.id(), "w1", Map.of("version", 2)).state(),
        "repeat is safe");
    assertEquals(409, refusal(() -> jobs.fail(claimed.id(), "w1", "late")).status());

    Optional<Job> next = jobs.claim("w1", Duration.ofSeconds(60), Set.of("chip"));
    assertTrue(next.isEmpty(), "method filter: no pending chip job");
    Job other = jobs.claim("w1", Duration.ofSeconds(60), Set.of("finercut")).orElseThrow();
    assertEquals(second.id(), other.id());
    Job failed = jobs.fail(other.id(), "w1", "out of memory");
    assertEquals(JobState.FAILED, failed.state());
    assertEquals("out of memory", failed.error());
    assertTrue(jobs.claim("w1", Duration.ofSeconds(60), Set.of()).isEmpty());

    assertEquals(1, jobs.list(JobQuery.all().withState(JobState.FAILED)).total());
    assertEquals(2, jobs.list(JobQuery.all().withModel("m")).total());
    assertEquals(404, refusal(() -> jobs.get("missing")).status());
  }

  @Test
  void expiredLeaseIsReclaimedByAnotherWorker() throws Exception {
    model("m");
    base("m");
    Job job = jobs.create(new NewJob("m", 1, "chip", Map.of(), null)).value();
    Job first = jobs.claim("crashed-worker", Duration.ofSeconds(30), Set.of()).orElseThrow();
    assertTrue(jobs.claim("w2", Duration.ofSeconds(30), Set.of()).isEmpty(), "lease still held");
    clock.advance(Duration.ofSeconds(31));
    Job again = jobs.claim("w2", Duration.ofSeconds(30), Set.of()).orElseThrow();
    assertEquals(job.id(), again.id());
    assertEquals("w2", again.workerId());
    assertEquals(2, again.attempts());
    assertEquals(first.id(), again.id());
    assertEquals(409, refusal(() -> jobs.finish(job.id(), "crashed-worker", Map.of())).status());
    assertEquals(JobState.FINISHED, jobs.finish(job.id(), "w2", Map.of()).state());
    ModelEvent reclaimed =
        events("m").stream().filter(e -> e.type().equals("job.claimed")).toList().get(1);
    assertEquals("crashed-worker", reclaimed.details().get("previous_worker_id"));
  }

  // ------------------------------------------------------------------ concurrency

  @Test
  void concurrentCreatesGetGaplessNumbers() throws Exception {
    model("m");
    ArtifactClaim a = blob("model.safetensors", "w");
    int threads = 8;
    int perThread = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<Integer>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        futures.add(
            pool.submit(
                () -> {
                  List<Integer> got = new ArrayList<>();
                  for (int i = 0; i < perThread; i++) {
                    // every thread also repeats one shared key: exactly one version for it
                    String key = i == 0 ? "shared" : "t" + id + "-" + i;
                    got.add(
                        catalog
                            .createVersion(
                                "m", VersionSpec.base().withIdempotencyKey(key), List.of(a))
                            .value()
                            .version());
                  }
                  return got;
                }));
      }
      List<Integer> all = new ArrayList<>();
      for (Future<List<Integer>> f : futures) {
        all.addAll(f.get(120, TimeUnit.SECONDS));
      }
      int expected = threads * (perThread - 1) + 1;
      Set<Integer> distinct = new HashSet<>(all);
      assertEquals(expected, distinct.size());
      assertEquals(
          IntStream.rangeClosed(1, expected).boxed().toList(),
          new ArrayList<>(new java.util.TreeSet<>(distinct)));
      assertEquals(expected, catalog.getModel("m").latestVersion());
      List<Long> seqs = events("m").stream().map(ModelEvent::sequence).toList();
      assertEquals(expected + 1, seqs.size());
      assertEquals(IntStream.rangeClosed(1, expected + 1).mapToObj(i -> (long) i).toList(), seqs);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentClaimsNeverShareAJob() throws Exception {
    model("m");
    model("n");
    base("m");
    base("n");
    int count = 30;
    for (int i = 0; i < count; i++) {
      jobs.create(new NewJob(i % 2 == 0 ? "m" : "n", 1, "chip", Map.of("i", i), null));
    }
    Map<String, String> claimedBy = new ConcurrentHashMap<>();
    List<String> duplicates = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String worker = "w" + w;
        futures.add(
            pool.submit(
                () -> {
                  Optional<Job> j;
                  while ((j = jobs.claim(worker, Duration.ofMinutes(5), Set.of())).isPresent()) {
                    if (claimedBy.putIfAbsent(j.get().id(), worker) != null) {
                      duplicates.add(j.get().id());
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(List.of(), duplicates);
    assertEquals(count, claimedBy.size());
    assertEquals(count, jobs.list(JobQuery.all().withState(JobState.CLAIMED).page(100, 0)).total());
    for (Job j : jobs.list(JobQuery.all().page(100, 0)).items()) {
      assertEquals(1, j.attempts(), "claimed exactly once: " + j.id());
    }
  }
}
