package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.RawHttp;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.TestRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the README documents for {@code X-Content-SHA256}: optional on upload; without it the server
 * stores the blob under the sha256 it computed and returns it, with it a mismatch is refused.
 */
class UploadDigestTest {

  @Test
  void withoutTheHeaderTheServerComputesAndReturnsTheDigest(@TempDir Path dir) throws Exception {
    byte[] content = "a blob sent without a declared digest".getBytes(StandardCharsets.UTF_8);
    Path file = Files.write(dir.resolve("blob.bin"), content);
    String sha = Sha256.of(file);
    try (TestRegistry registry = TestRegistry.start(dir.resolve("registry"))) {
      RawHttp.Response r =
          RawHttp.send(
              registry.port(),
              "POST",
              "/api/v1/artifacts",
              Map.of("Authorization", "Bearer " + TestRegistry.TOKEN),
              content,
              false);
      assertEquals(201, r.status(), r.text());
      assertEquals(sha, r.json().get("sha256").asText());
      assertEquals(content.length, r.json().get("size").asLong());
      assertTrue(registry.client().hasArtifact(sha), "stored under the computed sha256");
    }
  }
}
