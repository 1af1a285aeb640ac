package io.prunegate.registry.artifacts;

import io.prunegate.registry.NameRules;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.store.BlobLookup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Content-addressed blobs on the local filesystem: {@code <root>/sha256/<ab>/<sha256>}. An upload
 * is written to a temp file under {@code <root>/tmp} while its digest is computed, checked against
 * the declared sha256 and the size limit, synced, and only then atomically renamed into place, so a
 * blob path never holds partial or unverified content. Uploading content that is already stored
 * just refreshes the blob's timestamp (garbage collection spares recent blobs).
 */
public final class ArtifactStore implements BlobLookup {

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactStore.class);

  private final Path root;
  private final Path blobs;
  private final Path tmp;
  // Uploads and version creation hold the read side; garbage collection holds the write side, so
  // that a blob cannot be collected between "is it stored?" and the version that refers to it.
  private final ReadWriteLock gcLock = new ReentrantReadWriteLock();

  /** Opens a store under {@code root}, creating its directories; old temp files are left to gc. */
  public ArtifactStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
    this.blobs = this.root.resolve("sha256");
    this.tmp = this.root.resolve("tmp");
    try {
      Files.createDirectories(blobs);
      Files.createDirectories(tmp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create artifact store at " + this.root, e);
    }
  }

  public Path root() {
    return root;
  }

  /** Where the blob with this sha256 lives (whether or not it exists). */
  public Path blobPath(String sha256) {
    if (!NameRules.isSha256(sha256)) {
      throw new IllegalArgumentException("not a sha256: " + sha256);
    }
    return blobs.resolve(sha256.substring(0, 2)).resolve(sha256);
  }

  @Override
  public OptionalLong sizeOf(String sha256) {
    try {
      return OptionalLong.of(Files.size(blobPath(sha256)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat blob " + sha256, e);
    }
  }

  /** A fresh, unused temp file path for an upload in progress (nothing is created). */
  public Path tempPath() {
    return tmp.resolve("upload-" + UUID.randomUUID() + ".part");
  }

  /** A new, empty temp file for an upload in progress. */
  public Path newTempFile() {
    try {
      return Files.createFile(tempPath());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temp file in " + tmp, e);
    }
  }

  /**
   * Moves a fully written and synced temp file into the store as blob {@code actualSha256} (the
   * digest of the {@code size} bytes written to it). When {@code declaredSha256} is given and
   * differs, the temp file is deleted and the upload refused with 422: nothing is stored.
   */
  public StoredBlob commit(
      Path temp, String actualSha256, long size, String declaredSha256, String field) {
    return withBlobsPinned(
        () -> {
          try {
            if (declaredSha256 != null && !declaredSha256.equals(actualSha256)) {
              Files.deleteIfExists(temp);
              throw RegistryProblem.unprocessable(
                  field,
                  "sha256 mismatch: declared "
                      + declaredSha256
                      + " but the uploaded content has "
                      + actualSha256
                      + "; nothing was stored");
            }
            long onDisk = Files.size(temp);
            if (onDisk != size) {
              Files.deleteIfExists(temp);
              throw new IOException(
                  "temp file has " + onDisk + " bytes, " + size + " were written");
            }
            Path target = blobPath(actualSha256);
            if (Files.exists(target)) {
              Files.deleteIfExists(temp);
              Files.setLastModifiedTime(target, FileTime.from(Instant.now()));
              return new StoredBlob(actualSha256, size, false);
            }
            Files.createDirectories(target.getParent());
            try {
              Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
              // a concurrent upload of the same content won: identical bytes, keep theirs
              Files.deleteIfExists(temp);
              return new StoredBlob(actualSha256, size, false);
            } catch (AtomicMoveNotSupportedException e) {
              throw new IllegalStateException(
                  "the artifact directory's filesystem cannot rename atomically: " + root, e);
            }
            syncDirectory(target.getParent());
            LOG.info("artifact stored sha256={} size={}", actualSha256, size);
            return new StoredBlob(actualSha256, size, true);
          } catch (IOException e) {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot store blob " + actualSha256, e);
          }
        });
  }

  /**
   * Stores the content of {@code in} (blocking). At most {@code maxBytes} are accepted (413 beyond,
   * nothing stored); a declared sha256 that does not match is refused with 422.
   */
  public StoredBlob put(InputStream in, String declaredSha256, long maxBytes) throws IOException {
    Path temp = newTempFile();
    try {
      MessageDigest md = Sha256.newDigest();
      long total = 0;
      try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          total += n;
          if (total > maxBytes) {
            throw RegistryProblem.tooLarge(
                null, "upload exceeds the limit of " + maxBytes + " bytes; nothing was stored");
          }
          md.update(buf, 0, n);
          out.write(buf, 0, n);
        }
      }
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return commit(temp, Sha256.hex(md), total, declaredSha256, "sha256");
    } finally {
      deleteQuietly(temp);
    }
  }

  /** Recomputes a stored blob's digest. */
  public String digestOf(String sha256) throws IOException {
    return Sha256.of(blobPath(sha256));
  }

  /** Runs {@code work} while garbage collection cannot delete blobs. */
  public <T> T withBlobsPinned(Supplier<T> work) {
    gcLock.readLock().lock();
    try {
      return work.get();
    } finally {
      gcLock.readLock().unlock();
    }
  }

  /** Runs {@code work} with every upload and version creation held off. */
  <T> T exclusively(Supplier<T> work) {
    gcLock.writeLock().lock();
    try {
      return work.get();
    } finally {
      gcLock.writeLock().unlock();
    }
  }

  /** Every stored blob file. */
  List<Path> blobFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> prefixes = Files.newDirectoryStream(blobs)) {
      for (Path prefix : prefixes) {
        if (!Files.isDirectory(prefix)) {
          continue;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix)) {
          for (Path f : files) {
            String name = f.getFileName().toString();
            if (NameRules.isSha256(name)
                && name.startsWith(prefix.getFileName().toString())
                && Files.isRegularFile(f)) {
              out.add(f);
            }
          }
        }
      }
    }
    return out;
  }

  /** Every temp file (uploads in progress or abandoned). */
  List<Path> tempFiles() throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp)) {
      files.forEach(out::add);
    }
    return out;
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // not every filesystem lets a directory be opened for sync; the rename itself is atomic
      LOG.debug("directory sync not supported dir={} error={}", dir, e.getMessage());
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      LOG.warn("cannot delete temp file path={} error={}", p, e.getMessage());
    }
  }
}
