package io.prunegate.pruner.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Datasets the project ships on its class path, so that tests, the demo and the CLI work on a fresh
 * machine: {@value #SUPPORT_TICKETS} (customer-support tickets, a few hundred rows, TSV with header
 * {@code text<TAB>label}, train/validation/test).
 */
public final class BuiltinDatasets {

  /** The shipped support-ticket dataset's name. */
  public static final String SUPPORT_TICKETS = "support-tickets";

  private static final String ROOT = "/prunegate/datasets/";
  private static final List<String> FILES = List.of("train.tsv", "validation.tsv", "test.tsv");

  private BuiltinDatasets() {}

  /** The shipped names. */
  public static List<String> names() {
    return List.of(SUPPORT_TICKETS);
  }

  /** The support-ticket splits, read from the class path. */
  public static DatasetSplits supportTickets() {
    try {
      Path tmp = Files.createTempDirectory("prunegate-dataset-");
      try {
        Path dir = materialize(SUPPORT_TICKETS, tmp);
        return DatasetReader.splits(
            dir.resolve("train.tsv"),
            Optional.of(dir.resolve("validation.tsv")),
            Optional.of(dir.resolve("test.tsv")),
            DatasetColumns.infer(),
            0.2,
            0);
      } finally {
        try (Stream<Path> s = Files.walk(tmp)) {
          for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the shipped dataset " + SUPPORT_TICKETS, e);
    }
  }

  /**
   * Writes the shipped dataset {@code name}'s files ({@code train.tsv}, {@code validation.tsv},
   * {@code test.tsv}) into {@code dir/name} and returns that directory (for registry upload or the
   * CLI).
   */
  public static Path materialize(String name, Path dir) {
    if (!names().contains(name)) {
      throw new IllegalArgumentException(
          "no shipped dataset '" + name + "' (shipped: " + names() + ")");
    }
    Path out = dir.resolve(name);
    try {
      Files.createDirectories(out);
      for (String f : FILES) {
        String resource = ROOT + name + "/" + f;
        try (InputStream in = BuiltinDatasets.class.getResourceAsStream(resource)) {
          if (in == null) {
            throw new IllegalStateException(
                "resource " + resource + " missing from the class path");
          }
          Files.copy(in, out.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dataset " + name + " into " + out, e);
    }
    return out;
  }
}
