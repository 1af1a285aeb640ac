package io.prunegate.registry.client;

import io.prunegate.registry.ModelVersion;
import java.nio.file.Path;
import java.util.List;

/**
 * A version's artifacts in the local cache: the directory ({@code <cache>/<model>/<version>}) and
 * what happened to each file.
 */
public record DownloadedVersion(ModelVersion version, Path directory, List<FileDownload> files) {

  public DownloadedVersion {
    files = List.copyOf(files);
  }

  /** How a file got into the cache. */
  public enum Outcome {
    /** Already present and verified: nothing transferred. */
    CACHED,
    /** Downloaded from the start. */
    DOWNLOADED,
    /** A partial file was completed with a range request. */
    RESUMED,
    /** The cached copy failed verification and was downloaded again. */
    REPLACED_CORRUPT
  }

  /** One artifact file: where it is, how it got there, how many bytes came over the network. */
  public record FileDownload(String name, Path path, Outcome outcome, long bytesTransferred) {}

  /** Total bytes transferred for this call. */
  public long bytesTransferred() {
    return files.stream().mapToLong(FileDownload::bytesTransferred).sum();
  }
}
