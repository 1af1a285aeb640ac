package io.prunegate.pruner.policy;

import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.DatasetColumns;
import io.prunegate.pruner.data.DatasetReader;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a policy's data references into local files and labelled splits: files are checked to
 * exist, registry artifacts are downloaded (verified by sha256) under a download directory, and
 * {@code builtin:} names are written out from the class path. Every error names the policy field
 * and the file, so a job with a bad dataset fails with a message an operator can act on.
 */
public final class PolicyData {

  private final RegistryClient registry;
  private final Path downloadDir;

  /**
   * @param registry where {@code registry:} references are downloaded from
   * @param downloadDir where downloaded and written-out files go
   */
  public PolicyData(RegistryClient registry, Path downloadDir) {
    this.registry = registry;
    this.downloadDir = downloadDir;
  }

  /** The labelled splits of {@code data}. */
  public DatasetSplits splits(CompressionPolicy.DataSpec data) {
    DataReference train = DataReference.parse(data.train(), "data.train");
    Path trainFile;
    Optional<Path> validation;
    Optional<Path> test;
    if (train instanceof DataReference.Builtin b) {
      if (!BuiltinDatasets.names().contains(b.name())) {
        throw new PolicyException(
            "data.train",
            "no builtin dataset '" + b.name() + "' (builtin: " + BuiltinDatasets.names() + ")");
      }
      Path dir = BuiltinDatasets.materialize(b.name(), downloadDir.resolve("builtin"));
      trainFile = dir.resolve("train.tsv");
      validation = Optional.of(dir.resolve("validation.tsv"));
      test = Optional.of(dir.resolve("test.tsv"));
    } else {
      trainFile = file(train, "data.train");
      validation =
          data.validation()
              .map(v -> file(DataReference.parse(v, "data.validation"), "data.validation"));
      test = data.test().map(v -> file(DataReference.parse(v, "data.test"), "data.test"));
    }
    try {
      return DatasetReader.splits(
          trainFile,
          validation,
          test,
          new DatasetColumns(data.textColumn(), data.labelColumn()),
          data.validationFraction(),
          data.seed());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("bad dataset: " + e.getMessage(), e);
    }
  }

  /** The calibration text file, if the policy names one. */
  public Optional<Path> calibration(Optional<String> reference) {
    return reference.map(r -> file(DataReference.parse(r, "calibration"), "calibration"));
  }

  /** The local file a (non-builtin) reference names. */
  Path file(DataReference ref, String field) {
    if (ref instanceof DataReference.File f) {
      if (!Files.isRegularFile(f.path())) {
        throw new PolicyException(field, "file not found: " + f.path().toAbsolutePath());
      }
      return f.path();
    }
    if (ref instanceof DataReference.Registry r) {
      return download(r, field);
    }
    throw new PolicyException(field, "builtin datasets are allowed for data.train only");
  }

  private Path download(DataReference.Registry r, String field) {
    ModelVersion v;
    try {
      v = registry.getVersion(r.model(), r.version());
    } catch (RegistryException e) {
      throw new PolicyException(field, "'" + r.text() + "': registry answered " + e.getMessage());
    }
    Artifact a =
        v.artifact(r.artifact())
            .orElseThrow(
                () ->
                    new PolicyException(
                        field,
                        "'"
                            + r.text()
                            + "': version "
                            + r.model()
                            + ":"
                            + r.version()
                            + " has no artifact '"
                            + r.artifact()
                            + "' (has: "
                            + v.artifacts().stream().map(Artifact::name).toList()
                            + ")"));
    Path target = downloadDir.resolve("registry").resolve(a.sha256()).resolve(a.name());
    try {
      Files.createDirectories(target.getParent());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + target.getParent(), e);
    }
    registry.downloadArtifact(a, target);
    return target;
  }
}
