package io.prunegate.registry.artifacts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.Sha256;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {

  private static ByteArrayInputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static long files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void storesByContentDeduplicatesAndRefusesMismatchesAndOversize(@TempDir Path dir)
      throws Exception {
    ArtifactStore store = new ArtifactStore(dir);
    String sha = Sha256.of("hello".getBytes(StandardCharsets.UTF_8));
    StoredBlob a = store.put(bytes("hello"), sha, 100);
    assertTrue(a.created());
    assertEquals(5, a.size());
    assertEquals(
        dir.resolve("sha256").resolve(sha.substring(0, 2)).resolve(sha), store.blobPath(sha));
    assertFalse(store.put(bytes("hello"), null, 100).created(), "same content: deduplicated");
    assertEquals(5, store.sizeOf(sha).orElseThrow());

    RegistryProblem mismatch =
        assertThrows(RegistryProblem.class, () -> store.put(bytes("other"), sha, 100));
    assertEquals(422, mismatch.status());
    RegistryProblem big =
        assertThrows(RegistryProblem.class, () -> store.put(bytes("x".repeat(101)), null, 100));
    assertEquals(413, big.status());
    assertEquals(1, files(dir), "only the one blob; no temp file left behind");
    assertTrue(store.sizeOf(Sha256.of("other".getBytes(StandardCharsets.UTF_8))).isEmpty());
    assertEquals(sha, store.digestOf(sha));
  }

  @Test
  void collectorDeletesOldUnreferencedBlobsAndStaleTempFiles(@TempDir Path dir) throws Exception {
    ArtifactStore store = new ArtifactStore(dir);
    String live = store.put(bytes("live"), null, 100).sha256();
    String dead = store.put(bytes("dead"), null, 100).sha256();
    String young = store.put(bytes("young"), null, 100).sha256();
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(3).toMillis());
    Files.setLastModifiedTime(store.blobPath(live), old);
    Files.setLastModifiedTime(store.blobPath(dead), old);
    Path staleTemp = store.newTempFile();
    Files.setLastModifiedTime(staleTemp, old);
    Path freshTemp = store.newTempFile();

    BlobCollector gc = new BlobCollector(store, () -> Set.of(live), Clock.systemUTC());
    BlobCollector.Report dry = gc.collect(Duration.ofHours(1), true);
    assertEquals(1, dry.blobsDeleted());
    assertTrue(Files.exists(store.blobPath(dead)));

    BlobCollector.Report r = gc.collect(Duration.ofHours(1), false);
    assertEquals(3, r.blobsScanned());
    assertEquals(1, r.blobsReferenced());
    assertEquals(1, r.blobsDeleted());
    assertEquals(4, r.bytesFreed());
    assertEquals(1, r.blobsKeptRecent());
    assertEquals(1, r.tempFilesDeleted());
    assertFalse(Files.exists(store.blobPath(dead)));
    assertTrue(Files.exists(store.blobPath(live)));
    assertTrue(Files.exists(store.blobPath(young)));
    assertFalse(Files.exists(staleTemp));
    assertTrue(Files.exists(freshTemp));

    // uploading content that is stored already refreshes its age: gc spares it
    Files.setLastModifiedTime(store.blobPath(young), old);
    store.put(bytes("young"), null, 100);
    assertEquals(0, gc.collect(Duration.ofHours(1), false).blobsDeleted());
  }
}
