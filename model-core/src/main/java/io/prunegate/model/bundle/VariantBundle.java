package io.prunegate.model.bundle;

import io.prunegate.model.ModelJson;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.runtime.RuntimeOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A variant bundle directory: Hugging Face model files, {@code chips.safetensors}, optional report
 * files, and {@value #MANIFEST} written last with the sha256 of every other file. {@link #verify}
 * re-hashes the files and names the first that differs.
 */
public final class VariantBundle {

  public static final String MANIFEST = "manifest.json";

  // The files the runtime reads: present, each must be covered by the manifest's hashes.
  private static final java.util.List<String> LOADED_FILES =
      java.util.List.of(
          "config.json",
          "model.safetensors",
          "model.safetensors.index.json",
          "chips.safetensors",
          "tokenizer.json");

  private VariantBundle() {}

  /**
   * A verified bundle, ready to serve: its manifest and its classifier (which the caller closes).
   */
  public record Opened(BundleManifest manifest, TextClassifier classifier)
      implements AutoCloseable {
    @Override
    public void close() {
      classifier.close();
    }
  }

  /**
   * What the gateway loads a variant with: every file checked against the manifest's sha256, the
   * manifest read, model and chips loaded, the manifest's labels matched against the chips'. Any
   * failure names the file (and the field where there is one); nothing is left open.
   */
  public static Opened open(Path dir, RuntimeOptions options) {
    if (!isBundle(dir)) {
      throw new IllegalStateException(dir + " is not a variant bundle: no " + MANIFEST);
    }
    verify(dir);
    BundleManifest manifest = readManifest(dir);
    TextClassifier classifier = TextClassifier.load(dir, options);
    if (manifest.labels() != null && !manifest.labels().equals(classifier.labels())) {
      classifier.close();
      throw new IllegalStateException(
          dir.resolve(MANIFEST)
              + ": field 'labels' "
              + manifest.labels()
              + " differs from the chips' labels "
              + classifier.labels());
    }
    return new Opened(manifest, classifier);
  }

  /** Hashes the bundle's files and writes the manifest (atomically); returns it with the hashes. */
  public static BundleManifest writeManifest(Path dir, BundleManifest manifest) {
    BundleManifest withHashes = manifest.withFiles(hashFiles(dir));
    try {
      Path tmp = Files.createTempFile(dir, MANIFEST, ".tmp");
      ModelJson.pretty().writeValue(tmp.toFile(), withHashes);
      Files.move(
          tmp,
          dir.resolve(MANIFEST),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(MANIFEST), e);
    }
    return withHashes;
  }

  /** Reads the manifest of {@code dir}. */
  public static BundleManifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST);
    try {
      return ModelJson.mapper().readValue(file.toFile(), BundleManifest.class);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": unreadable manifest: " + e.getMessage(), e);
    }
  }

  /** True when {@code dir} has a manifest. */
  public static boolean isBundle(Path dir) {
    return Files.isRegularFile(dir.resolve(MANIFEST));
  }

  /** Checks every file listed in the manifest against its sha256; fails naming the file. */
  public static void verify(Path dir) {
    BundleManifest m = readManifest(dir);
    if (m.files() == null) {
      throw new IllegalStateException(dir.resolve(MANIFEST) + ": field 'files' is missing");
    }
    for (String loaded : LOADED_FILES) {
      if (Files.exists(dir.resolve(loaded)) && !m.files().containsKey(loaded)) {
        throw new IllegalStateException(
            dir.resolve(MANIFEST) + ": field 'files' does not list " + loaded);
      }
    }
    for (Map.Entry<String, String> e : m.files().entrySet()) {
      if (e.getKey().contains("/") || e.getKey().contains("\\") || e.getKey().startsWith(".")) {
        throw new IllegalStateException(
            dir.resolve(MANIFEST) + ": field 'files': '" + e.getKey() + "' is not a file name");
      }
      Path f = dir.resolve(e.getKey());
      if (!Files.isRegularFile(f)) {
        throw new IllegalStateException(f + ": listed in the manifest but missing");
      }
      String actual = sha256(f);
      if (!actual.equals(e.getValue())) {
        throw new IllegalStateException(
            f + ": sha256 " + actual + " differs from the manifest's " + e.getValue());
      }
    }
  }

  /** sha256 of every regular file in {@code dir} except the manifest, by name. */
  public static Map<String, String> hashFiles(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (!name.equals(MANIFEST) && !name.endsWith(".tmp")) {
          out.put(name, sha256(f));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }

  /** Hex sha256 of a file. */
  public static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
