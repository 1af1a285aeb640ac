package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight clients upload and register at once against one server: every version is registered exactly
 * once, numbers are gapless per model, a repeated create with the same idempotency key returns the
 * same version, and every artifact downloads and verifies.
 */
class ConcurrentClientsTest {

  static final int CLIENTS = 8;
  static final int VERSIONS_PER_CLIENT = 6;
  static final List<String> MODELS = List.of("alpha", "beta");

  @Test
  void eightClientsUploadAndRegisterWithoutLostOrDuplicatedVersions(@TempDir Path dir)
      throws Exception {
    try (TestRegistry registry = TestRegistry.start(dir.resolve("registry"))) {
      RegistryClient admin = registry.client();
      for (String m : MODELS) {
        admin.registerModel(NewModel.of(m, null, List.of("a", "b")));
        admin.createVersion(
            m,
            TestRegistry.files(dir.resolve("seed-" + m), 0, 256, "model.safetensors"),
            VersionSpec.base());
      }
      // every client shares one config.json (same content: uploads of one blob race) and has
      // its own weights
      byte[] sharedConfig =
          "{\"hidden_size\":384}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      CyclicBarrier start = new CyclicBarrier(CLIENTS);
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      long t0 = System.nanoTime();
      List<Future<List<ModelVersion>>> futures = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int id = c;
        futures.add(
            pool.submit(
                () -> {
                  RegistryClient client = registry.client();
                  Random r = new Random(id);
                  List<ModelVersion> mine = new ArrayList<>();
                  start.await();
                  for (int i = 0; i < VERSIONS_PER_CLIENT; i++) {
                    String model = MODELS.get((id + i) % MODELS.size());
                    Path vdir = dir.resolve("c" + id + "-" + i);
                    Files.createDirectories(vdir);
                    Files.write(vdir.resolve("config.json"), sharedConfig);
                    byte[] weights = new byte[32 * 1024 + r.nextInt(1024)];
                    r.nextBytes(weights);
                    Files.write(vdir.resolve("model.safetensors"), weights);
                    VersionSpec spec =
                        VersionSpec.derived(1, i % 2 == 0 ? "chip" : "finercut")
                            .withTags(Map.of("client", "c" + id))
                            .withIdempotencyKey("c" + id + "-" + i);
                    ModelVersion v = client.createVersion(model, vdir, spec);
                    // a retry after a lost answer: the key returns the same version
                    ModelVersion again = client.createVersion(model, vdir, spec);
                    assertEquals(v.version(), again.version());
                    mine.add(v);
                  }
                  return mine;
                }));
      }
      List<ModelVersion> all = new ArrayList<>();
      for (Future<List<ModelVersion>> f : futures) {
        all.addAll(f.get(120, TimeUnit.SECONDS));
      }
      pool.shutdown();
      double seconds = (System.nanoTime() - t0) / 1e9;

      int registered = CLIENTS * VERSIONS_PER_CLIENT;
      assertEquals(registered, all.size());
      Set<String> distinct = new HashSet<>();
      all.forEach(v -> distinct.add(v.model() + ":" + v.version()));
      assertEquals(registered, distinct.size(), "no two clients got the same version");
      int perModel = 0;
      Map<String, Integer> counts = new java.util.TreeMap<>();
      for (String m : MODELS) {
        Page<ModelVersion> page = admin.listVersions(VersionQuery.of(m).page(500, 0));
        List<Integer> numbers = page.items().stream().map(ModelVersion::version).toList();
        assertEquals(
            IntStream.rangeClosed(1, numbers.size()).boxed().toList(), numbers, "gapless " + m);
        perModel += numbers.size() - 1; // minus the seed version
        counts.put(m, numbers.size());
        assertEquals(numbers.size(), admin.getModel(m).latestVersion());
      }
      assertEquals(registered, perModel, "nothing lost, nothing duplicated");
      for (int c = 0; c < CLIENTS; c++) {
        long tagged = admin.listVersions(VersionQuery.all().withTag("client", "c" + c)).total();
        assertEquals(VERSIONS_PER_CLIENT, tagged, "client c" + c);
      }
      Path cache = dir.resolve("cache");
      long bytes = 0;
      for (ModelVersion v : all) {
        DownloadedVersion d = admin.download(v, cache);
        bytes += d.bytesTransferred();
        assertTrue(Files.exists(d.directory().resolve("model.safetensors")));
      }
      System.out.printf(
          "concurrency: %d clients registered %d versions (+%d idempotent repeats) in %.2f s;"
              + " versions per model (1..n, gapless, incl. the seed version) %s; downloaded and"
              + " verified %d bytes%n",
          CLIENTS, registered, registered, seconds, counts, bytes);
    }
  }
}
