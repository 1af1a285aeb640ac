package io.prunegate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upload and download throughput of one 130 MB artifact (random bytes generated here, never stored
 * in the repository) against an in-process registry, client and server sharing this machine's
 * cores. Measured through the Java client (which hashes before uploading and verifies after
 * downloading) and as raw HTTP (the server's work only). One warm-up round, then {@value #ROUNDS}
 * measured rounds; prints median and best MB/s (10^6 bytes/s). Asserts only that the bytes
 * round-trip, never a speed. Run with {@code -Pquality} or as a main class (test class path).
 */
@Tag("quality")
class ArtifactThroughputBenchmark {

  static final int SIZE = 130 * 1000 * 1000;
  static final int ROUNDS = 3;

  @Test
  void uploadAndDownloadOf130MegabyteArtifact(@TempDir Path dir) throws Exception {
    run(dir);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("registry-bench");
    try {
      run(dir);
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static void run(Path dir) throws Exception {
    Path src = randomFile(dir.resolve("src"));
    Path file = src.resolve("model.safetensors");
    String sha = Sha256.of(file);
    Map<String, List<Double>> seconds = new LinkedHashMap<>();
    try (TestRegistry registry =
        TestRegistry.start(
            dir.resolve("registry"), v -> v.with(RegistryOptions.MAX_UPLOAD, 1L << 30))) {
      RegistryClient client = registry.client();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      client.registerModel(NewModel.of("bench", null, List.of()));
      Path blob =
          dir.resolve("registry/artifacts/sha256").resolve(sha.substring(0, 2)).resolve(sha);
      ModelVersion version = null;
      for (int round = 0; round <= ROUNDS; round++) {
        boolean measured = round > 0;
        // client upload: hash, HEAD (absent), POST; the server hashes, fsyncs, renames
        Files.deleteIfExists(blob);
        long t0 = System.nanoTime();
        Artifact a = client.uploadArtifact(file);
        record(
            seconds,
            "client upload (sha256 + HEAD + POST; server hashes, fsyncs, renames)",
            t0,
            measured);
        assertEquals(sha, a.sha256());
        if (version == null) {
          version = client.createVersion("bench", src, VersionSpec.base());
        }
        // client download: server verifies while streaming; client writes, verifies, renames
        Path cache = dir.resolve("cache-" + round);
        t0 = System.nanoTime();
        DownloadedVersion d = client.download(version, cache);
        record(
            seconds,
            "client download (server verifies while streaming; client verifies file)",
            t0,
            measured);
        assertEquals(SIZE, d.bytesTransferred());
        Files.delete(d.directory().resolve("model.safetensors"));

        Files.deleteIfExists(blob);
        t0 = System.nanoTime();
        HttpResponse<String> put =
            http.send(
                HttpRequest.newBuilder(URI.create(registry.baseUrl() + "/api/v1/artifacts"))
                    .header("Authorization", "Bearer " + TestRegistry.TOKEN)
                    .header("X-Content-SHA256", sha)
                    .POST(HttpRequest.BodyPublishers.ofFile(file))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        record(seconds, "raw HTTP upload (server side only)", t0, measured);
        assertEquals(201, put.statusCode(), put.body());
        t0 = System.nanoTime();
        assertEquals(SIZE, drain(http, registry.baseUrl() + "/api/v1/artifacts/" + sha, null));
        record(seconds, "raw HTTP download, full (verified while streaming)", t0, measured);
        t0 = System.nanoTime();
        assertEquals(
            SIZE, drain(http, registry.baseUrl() + "/api/v1/artifacts/" + sha, "bytes=0-"));
        record(
            seconds,
            "raw HTTP download, Range bytes=0- (verify first, then sendfile)",
            t0,
            measured);
        t0 = System.nanoTime();
        assertEquals(sha, Sha256.of(file));
        record(seconds, "reference: sha256 of the file alone", t0, measured);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            "artifact throughput, %d MB artifact, %d cores, client and server in one JVM, %d rounds"
                + " after a warm-up:%n",
            SIZE / 1_000_000, Runtime.getRuntime().availableProcessors(), ROUNDS));
    seconds.forEach(
        (what, s) -> {
          List<Double> sorted = new ArrayList<>(s);
          Collections.sort(sorted);
          double median = sorted.get(sorted.size() / 2);
          double best = sorted.get(0);
          out.append(
              String.format(
                  "  %-78s median %5.0f MB/s, best %5.0f MB/s (median %.2f s)%n",
                  what, SIZE / 1e6 / median, SIZE / 1e6 / best, median));
        });
    System.out.print(out);
  }

  private static void record(
      Map<String, List<Double>> seconds, String what, long t0, boolean measured) {
    double s = (System.nanoTime() - t0) / 1e9;
    if (measured) {
      seconds.computeIfAbsent(what, k -> new ArrayList<>()).add(s);
    }
  }

  private static long drain(HttpClient http, String url, String range) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).GET();
    if (range != null) {
      r.header("Range", range);
    }
    HttpResponse<InputStream> resp =
        http.send(r.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = resp.body()) {
      return in.transferTo(OutputStream.nullOutputStream());
    }
  }

  private static Path randomFile(Path dir) throws IOException {
    Files.createDirectories(dir);
    Random r = new Random(42);
    byte[] buf = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(dir.resolve("model.safetensors"))) {
      for (int left = SIZE; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        out.write(buf, 0, Math.min(buf.length, left));
      }
    }
    return dir;
  }
}
