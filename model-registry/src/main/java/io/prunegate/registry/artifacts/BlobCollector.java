package io.prunegate.registry.artifacts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Garbage collection of the artifact store: deletes blobs no version refers to and abandoned temp
 * files. Anything younger than the grace period is kept, because an upload precedes the version
 * that refers to it (a client uploads, then registers). Uploads and version creation in this
 * process are held off while it runs.
 */
public final class BlobCollector {

  private static final Logger LOG = LoggerFactory.getLogger(BlobCollector.class);

  /** What a collection found and did. */
  public record Report(
      int blobsScanned,
      int blobsReferenced,
      int blobsDeleted,
      long bytesFreed,
      int blobsKeptRecent,
      int tempFilesDeleted,
      boolean dryRun) {}

  private final ArtifactStore store;
  private final Supplier<Set<String>> referenced;
  private final Clock clock;

  /**
   * @param store the artifact store
   * @param referenced the sha256 of every blob some version refers to (asked once per run)
   * @param clock the clock the grace period is measured with
   */
  public BlobCollector(ArtifactStore store, Supplier<Set<String>> referenced, Clock clock) {
    this.store = store;
    this.referenced = referenced;
    this.clock = clock;
  }

  /** Deletes (or with {@code dryRun}, only counts) unreferenced blobs older than {@code grace}. */
  public Report collect(Duration grace, boolean dryRun) {
    return store.exclusively(
        () -> {
          try {
            return run(grace, dryRun);
          } catch (IOException e) {
            throw new UncheckedIOException("garbage collection failed", e);
          }
        });
  }

  private Report run(Duration grace, boolean dryRun) throws IOException {
    long cutoff = clock.millis() - grace.toMillis();
    Set<String> live = referenced.get();
    int scanned = 0;
    int referencedCount = 0;
    int deleted = 0;
    int recent = 0;
    long freed = 0;
    for (Path blob : store.blobFiles()) {
      scanned++;
      String sha = blob.getFileName().toString();
      if (live.contains(sha)) {
        referencedCount++;
        continue;
      }
      if (Files.getLastModifiedTime(blob).toMillis() > cutoff) {
        recent++;
        continue;
      }
      long size = Files.size(blob);
      if (!dryRun) {
        Files.deleteIfExists(blob);
      }
      deleted++;
      freed += size;
    }
    int temps = 0;
    for (Path t : store.tempFiles()) {
      if (Files.getLastModifiedTime(t).toMillis() <= cutoff) {
        if (!dryRun) {
          Files.deleteIfExists(t);
        }
        temps++;
      }
    }
    Report r = new Report(scanned, referencedCount, deleted, freed, recent, temps, dryRun);
    LOG.info(
        "artifact gc scanned={} referenced={} deleted={} bytesFreed={} keptRecent={} tempDeleted={}"
            + " dryRun={}",
        scanned,
        referencedCount,
        deleted,
        freed,
        recent,
        temps,
        dryRun);
    return r;
  }
}
