package io.prunegate.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client against a real server, with network faults injected by a proxy: retries on connect
 * failures and 5xx but never on 4xx, resumable downloads (interrupted, then completed with a range
 * request), and verification that catches a corrupted cached file, corruption in transit, and a
 * corrupted blob on the server.
 */
class RegistryClientTest {

  static final int SIZE = 2 * 1024 * 1024;

  @TempDir static Path dir;
  static TestRegistry registry;
  static ModelVersion version;
  static byte[] weights;

  @BeforeAll
  static void start() throws Exception {
    registry = TestRegistry.start(dir.resolve("registry"));
    RegistryClient client = registry.client();
    client.registerModel(NewModel.of("big", null, List.of("a", "b")));
    Path src = TestRegistry.files(dir.resolve("src"), 11, SIZE, "model.safetensors");
    TestRegistry.files(src, 12, 300, "config.json");
    weights = Files.readAllBytes(src.resolve("model.safetensors"));
    version = client.createVersion("big", src, VersionSpec.base());
  }

  @AfterAll
  static void stop() {
    registry.close();
  }

  private static RegistryClient through(FaultyProxy proxy, int attempts) {
    return new RegistryClient(
        RegistryClientConfig.of(proxy.baseUrl(), TestRegistry.TOKEN)
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30))
            .withRetries(attempts, Duration.ofMillis(20), Duration.ofMillis(100)));
  }

  @Test
  void connectFailuresAreRetried() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.port())) {
      RegistryClient client = through(proxy, 4);
      proxy.refuseNext(2);
      assertEquals("big", client.getModel("big").name());
      assertTrue(proxy.connections() >= 3, "two refused, then served: " + proxy.connections());
      assertEquals(1, client.retryMetrics().getNumberOfSuccessfulCallsWithRetryAttempt());
    }
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    try (FaultyProxy proxy = new FaultyProxy(registry.port())) {
      RegistryClient client = through(proxy, 4);
      RegistryException e = assertThrows(RegistryException.class, () -> client.getModel("missing"));
      assertEquals(404, e.status());
      assertEquals("model", e.field());
      assertEquals("model 'missing' not found", e.error());
      assertEquals(
          1, proxy.requestLines().stream().filter(l -> l.contains("/models/missing")).count());
      assertEquals(1, client.retryMetrics().getNumberOfFailedCallsWithoutRetryAttempt());
    }
  }

  @Test
  void anUnreachableRegistryFailsAfterTheRetries() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RegistryClient client =
        new RegistryClient(
            RegistryClientConfig.of("http://127.0.0.1:" + port, null)
                .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(50)));
    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> client.getModel("big"));
    assertTrue(e.getMessage().contains("failed after 3 attempts"), e.getMessage());
    assertEquals(1, client.retryMetrics().getNumberOfFailedCallsWithRetryAttempt());
  }

  @Test
  void anInterruptedDownloadResumesWithARangeRequest() throws Exception {
    Path cache = dir.resolve("cache-resume");
    try (FaultyProxy proxy = new FaultyProxy(registry.port())) {
      // one attempt only: the cut download fails and leaves its partial file behind
      RegistryClient once = through(proxy, 1);
      proxy.cutNext(1, 700_000);
      assertThrows(RegistryUnavailableException.class, () -> once.download(version, cache));
      Path part = cache.resolve("big/1/model.safetensors.part");
      long partial = Files.size(part);
      assertTrue(partial > 0 && partial < SIZE, "partial file of " + partial + " bytes");

      DownloadedVersion d = through(proxy, 3).download(version, cache);
      DownloadedVersion.FileDownload f =
          d.files().stream()
              .filter(x -> x.name().equals("model.safetensors"))
              .findFirst()
              .orElseThrow();
      assertEquals(DownloadedVersion.Outcome.RESUMED, f.outcome());
      assertEquals(SIZE - partial, f.bytesTransferred(), "only the missing bytes came over");
      assertArrayEquals(weights, Files.readAllBytes(f.path()));
      assertFalse(Files.exists(part));
      assertTrue(
          proxy.requestLines().contains("Range: bytes=" + partial + "-"),
          proxy.requestLines().toString());
      System.out.printf(
          "resume: interrupted at %d of %d bytes, resumed with Range: bytes=%d-, transferred %d%n",
          partial, SIZE, partial, f.bytesTransferred());
    }
  }

  @Test
  void aBrokenTransferIsResumedByTheRetry() throws Exception {
    Path cache = dir.resolve("cache-retry");
    try (FaultyProxy proxy = new FaultyProxy(registry.port())) {
      RegistryClient client = through(proxy, 3);
      // the first connection carries the version lookup and the downloads; it breaks mid-file
      proxy.cutNext(1, 900_000);
      DownloadedVersion d = client.download("big", 1, cache);
      DownloadedVersion.FileDownload f =
          d.files().stream()
              .filter(x -> x.name().equals("model.safetensors"))
              .findFirst()
              .orElseThrow();
      assertArrayEquals(weights, Files.readAllBytes(f.path()));
      assertEquals(DownloadedVersion.Outcome.RESUMED, f.outcome());
      assertEquals(SIZE, f.bytesTransferred(), "no byte downloaded twice");
      assertTrue(proxy.requestLines().stream().anyMatch(l -> l.startsWith("Range: bytes=")));
    }
  }

  @Test
  void aCorruptedCachedFileIsDetectedAndReplaced() throws Exception {
    Path cache = dir.resolve("cache-corrupt");
    RegistryClient client = registry.client();
    DownloadedVersion first = client.download(version, cache);
    Path cached = first.directory().resolve("model.safetensors");
    try (RandomAccessFile f = new RandomAccessFile(cached.toFile(), "rw")) {
      f.seek(12345);
      int b = f.read();
      f.seek(12345);
      f.write(b ^ 0xff);
    }
    DownloadedVersion second = client.download(version, cache);
    DownloadedVersion.FileDownload f =
        second.files().stream()
            .filter(x -> x.name().equals("model.safetensors"))
            .findFirst()
            .orElseThrow();
    assertEquals(DownloadedVersion.Outcome.REPLACED_CORRUPT, f.outcome());
    assertArrayEquals(weights, Files.readAllBytes(cached));
    assertEquals(
        DownloadedVersion.Outcome.CACHED,
        second.files().stream()
            .filter(x -> x.name().equals("config.json"))
            .findFirst()
            .orElseThrow()
            .outcome());
  }

  @Test
  void corruptionInTransitFailsNamingTheFileAndDeletesIt() throws Exception {
    Path cache = dir.resolve("cache-transit");
    try (FaultyProxy proxy = new FaultyProxy(registry.port())) {
      RegistryClient client = through(proxy, 3);
      // one byte of the first connection's stream, deep inside model.safetensors, is flipped
      proxy.corruptNext(1_000_000);
      ArtifactVerificationException e =
          assertThrows(ArtifactVerificationException.class, () -> client.download("big", 1, cache));
      Path target = cache.resolve("big/1/model.safetensors");
      assertEquals(target, e.file());
      assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
      assertTrue(e.getMessage().contains("the file was deleted"));
      assertFalse(Files.exists(target));
      assertFalse(Files.exists(cache.resolve("big/1/model.safetensors.part")));
      // the next attempt, without the fault, succeeds
      assertArrayEquals(
          weights,
          Files.readAllBytes(
              client.download("big", 1, cache).directory().resolve("model.safetensors")));
    }
  }

  @Test
  void aCorruptedBlobOnTheServerIsNeverDeliveredAsComplete(@TempDir Path other) throws Exception {
    try (TestRegistry own = TestRegistry.start(other.resolve("registry"))) {
      RegistryClient client = own.client();
      client.registerModel(NewModel.of("rot", null, List.of()));
      ModelVersion v =
          client.createVersion(
              "rot",
              TestRegistry.files(other.resolve("src"), 5, 600_000, "model.safetensors"),
              VersionSpec.base());
      String sha = v.artifacts().get(0).sha256();
      Path blob =
          other.resolve("registry/artifacts/sha256").resolve(sha.substring(0, 2)).resolve(sha);
      try (RandomAccessFile f = new RandomAccessFile(blob.toFile(), "rw")) {
        f.seek(1000);
        f.write(0);
        f.write(1);
      }
      Path cache = other.resolve("cache");
      RegistryException e = assertThrows(RegistryException.class, () -> client.download(v, cache));
      assertEquals(500, e.status(), "after the cut full download, the range retry is refused");
      assertTrue(e.getMessage().contains("model.safetensors"), e.getMessage());
      assertTrue(e.getMessage().contains("failed verification"), e.getMessage());
      assertFalse(Files.exists(cache.resolve("rot/1/model.safetensors")), "no complete file");
      assertTrue(
          client.retryMetrics().getNumberOfFailedCallsWithRetryAttempt() >= 1, "5xx was retried");
    }
  }
}
