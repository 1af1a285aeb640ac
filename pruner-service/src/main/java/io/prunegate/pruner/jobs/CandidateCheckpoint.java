package io.prunegate.pruner.jobs;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.method.Candidate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records, next to a method's candidates, that the method completed ({@value #FILE}: each
 * candidate's role, bundle directory and baseline flag). A job retried on the same machine (the
 * process was killed and restarted) reuses the candidates of every method that completed instead of
 * running it again, once each bundle still verifies against its manifest; anything missing or
 * altered means the method runs again.
 */
final class CandidateCheckpoint {

  private static final Logger LOG = LoggerFactory.getLogger(CandidateCheckpoint.class);

  static final String FILE = "candidates.json";

  private CandidateCheckpoint() {}

  /** {@value #FILE}: the method and its candidates, bundles relative to the file when inside. */
  @JsonPropertyOrder({"method", "candidates"})
  record Checkpoint(String method, List<Entry> candidates) {}

  /** One candidate; every field required (a {@code null} one voids the checkpoint). */
  @JsonPropertyOrder({"role", "bundle", "baseline"})
  record Entry(String role, String bundle, Boolean baseline) {}

  /** Writes the checkpoint of {@code outputDir} (atomically, after the candidates). */
  static void write(Path outputDir, String method, List<Candidate> candidates) {
    Path base = outputDir.toAbsolutePath().normalize();
    List<Entry> entries = new ArrayList<>();
    for (Candidate c : candidates) {
      Path bundle = c.bundle().toAbsolutePath().normalize();
      entries.add(
          new Entry(
              c.role(),
              bundle.startsWith(base) ? base.relativize(bundle).toString() : bundle.toString(),
              c.baseline()));
    }
    try {
      Path tmp = Files.createTempFile(outputDir, FILE, ".tmp");
      Files.write(tmp, PrunerJson.write(new Checkpoint(method, entries)));
      Files.move(
          tmp,
          outputDir.resolve(FILE),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + outputDir.resolve(FILE), e);
    }
  }

  /** The candidates recorded in {@code outputDir}, if complete and intact. */
  static Optional<List<Candidate>> read(Path outputDir, String method) {
    Path file = outputDir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      Checkpoint root = PrunerJson.read(Files.readAllBytes(file), Checkpoint.class);
      if (root == null || !method.equals(root.method()) || root.candidates() == null) {
        return Optional.empty();
      }
      List<Candidate> out = new ArrayList<>();
      for (Entry n : root.candidates()) {
        Path bundle = outputDir.resolve(Objects.requireNonNull(n.bundle(), "bundle"));
        VariantBundle.verify(bundle);
        out.add(
            new Candidate(
                Objects.requireNonNull(n.role(), "role"),
                bundle,
                Objects.requireNonNull(n.baseline(), "baseline")));
      }
      return out.isEmpty() ? Optional.empty() : Optional.of(out);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring checkpoint {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }
}
