package io.prunegate.registry.client;

import io.prunegate.registry.Artifact;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NameRules;
import io.prunegate.registry.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob transfers of the client: uploads with the sha256 declared (skipped when the registry has the
 * blob), and downloads into a local cache that skip verified files, resume {@code .part} files with
 * range requests and verify every file by sha256 before it takes its final name.
 */
final class ArtifactTransfers {

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactTransfers.class);

  private final RegistryHttp http;

  ArtifactTransfers(RegistryHttp http) {
    this.http = http;
  }

  /** True when the registry stores a blob with this sha256. */
  boolean hasArtifact(String sha256) {
    String sha = NameRules.requireSha256(sha256, "sha256");
    return http.call(
        "HEAD artifact " + sha,
        () -> {
          HttpResponse<Void> resp =
              http.exchange(
                  http.request("/artifacts/" + sha, http.config().requestTimeout())
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (resp.statusCode() == 200) {
            return true;
          }
          if (resp.statusCode() == 404) {
            return false;
          }
          throw new RegistryException(resp.statusCode(), "HEAD artifact failed", null);
        });
  }

  /**
   * Uploads a file as a blob (unless the registry has it already) with its sha256 declared, and
   * returns it as an artifact named after the file.
   */
  Artifact uploadArtifact(Path file) {
    String sha;
    long size;
    try {
      sha = Sha256.of(file);
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Artifact artifact = new Artifact(file.getFileName().toString(), sha, size);
    if (hasArtifact(sha)) {
      LOG.debug("artifact already stored sha256={} file={}", sha, file);
      return artifact;
    }
    http.call(
        "upload " + file,
        () -> {
          HttpRequest req =
              http.request("/artifacts", http.config().transferTimeout())
                  .header("Content-Type", "application/octet-stream")
                  .header("X-Content-SHA256", sha)
                  .expectContinue(true)
                  .POST(HttpRequest.BodyPublishers.ofFile(file))
                  .build();
          HttpResponse<byte[]> resp = http.exchange(req, HttpResponse.BodyHandlers.ofByteArray());
          RegistryHttp.checkStatus(resp.statusCode(), resp.body());
          return null;
        });
    return artifact;
  }

  /**
   * Downloads every artifact of {@code version} into {@code <cacheDir>/<model>/<version>/}. Files
   * already there and verified are skipped; a cached file that fails verification is downloaded
   * again; a partial file ({@code <name>.part}) left by an interrupted download is resumed with a
   * range request. Every file is verified by sha256 before it takes its final name; one that fails
   * is deleted and the call throws {@link ArtifactVerificationException} naming it.
   */
  DownloadedVersion download(ModelVersion version, Path cacheDir) {
    Path dir = cacheDir.resolve(version.model()).resolve(String.valueOf(version.version()));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create cache directory " + dir, e);
    }
    List<DownloadedVersion.FileDownload> files = new ArrayList<>();
    try (CacheLock lock = CacheLock.acquire(dir)) {
      for (Artifact a : version.artifacts()) {
        if (!NameRules.isValidArtifactName(a.name())) {
          // never trust a name enough to build a path from it unchecked
          throw new IllegalStateException("registry sent an invalid artifact name " + a.name());
        }
        files.add(fetch(a, dir.resolve(a.name())));
      }
    }
    long bytes = files.stream().mapToLong(DownloadedVersion.FileDownload::bytesTransferred).sum();
    LOG.info(
        "downloaded version model={} version={} files={} bytes={} dir={}",
        version.model(),
        version.version(),
        files.size(),
        bytes,
        dir);
    return new DownloadedVersion(version, dir, files);
  }

  DownloadedVersion.FileDownload fetch(Artifact a, Path target) {
    DownloadedVersion.Outcome outcome = DownloadedVersion.Outcome.DOWNLOADED;
    try {
      if (Files.exists(target)) {
        if (Files.size(target) == a.size() && Sha256.of(target).equals(a.sha256())) {
          return new DownloadedVersion.FileDownload(
              a.name(), target, DownloadedVersion.Outcome.CACHED, 0);
        }
        LOG.warn(
            "cached artifact failed verification, downloading it again file={} sha256={}",
            target,
            a.sha256());
        Files.delete(target);
        outcome = DownloadedVersion.Outcome.REPLACED_CORRUPT;
      }
      Path part = target.resolveSibling(target.getFileName() + ".part");
      Transfer transfer = new Transfer();
      http.call("download " + a.name(), () -> transferOnce(a, part, transfer));
      String actual = Sha256.of(part);
      if (!actual.equals(a.sha256())) {
        Files.deleteIfExists(part);
        throw new ArtifactVerificationException(target, a.sha256(), actual);
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (transfer.resumed && outcome == DownloadedVersion.Outcome.DOWNLOADED) {
        outcome = DownloadedVersion.Outcome.RESUMED;
      }
      long transferred = transfer.received;
      return new DownloadedVersion.FileDownload(a.name(), target, outcome, transferred);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } catch (RegistryException e) {
      throw new RegistryException(
          e.status(),
          "artifact " + target + " (sha256 " + a.sha256() + "): " + e.error(),
          e.field());
    }
  }

  /** What the attempts of one file download did: bytes received, and whether one resumed. */
  private static final class Transfer {
    long received;
    boolean resumed;
  }

  /**
   * One attempt: asks for the bytes after what {@code part} holds (all of them when it is empty)
   * and appends them. A broken transfer throws {@link IOException}, so the retry resumes from the
   * new length.
   */
  private Void transferOnce(Artifact a, Path part, Transfer transfer)
      throws IOException, InterruptedException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (have > a.size()) {
      Files.delete(part);
      have = 0;
    }
    if (have == a.size() && have > 0) {
      return null;
    }
    HttpRequest.Builder b =
        http.request("/artifacts/" + a.sha256(), http.config().transferTimeout()).GET();
    if (have > 0) {
      b.header("Range", "bytes=" + have + "-");
      b.header("If-Range", "\"" + a.sha256() + "\"");
    }
    HttpResponse<InputStream> resp =
        http.exchange(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    int status = resp.statusCode();
    try (InputStream in = resp.body()) {
      boolean append;
      if (status == 206) {
        String range = resp.headers().firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes " + have + "-")) {
          throw new IOException("unexpected Content-Range '" + range + "' for offset " + have);
        }
        append = true;
        transfer.resumed = true;
      } else if (status == 200) {
        append = false;
      } else if (status == 416) {
        Files.deleteIfExists(part);
        throw new IOException("range not satisfiable at offset " + have + "; starting over");
      } else {
        RegistryHttp.checkStatus(status, in.readAllBytes());
        throw new IOException("unexpected status " + status);
      }
      long received = 0;
      try (OutputStream out =
          Files.newOutputStream(
              part,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          received += n;
          transfer.received += n;
        }
      }
      long total = (append ? have : 0) + received;
      if (total != a.size()) {
        throw new IOException(
            "transfer of " + a.name() + " ended at " + total + " of " + a.size() + " bytes");
      }
      return null;
    }
  }
}
