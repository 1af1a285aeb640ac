package io.prunegate.pruner.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.registry.RegistryJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
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

  /** Writes the checkpoint of {@code outputDir} (atomically, after the candidates). */
  static void write(Path outputDir, String method, List<Candidate> candidates) {
    ObjectNode root = RegistryJson.mapper().createObjectNode();
    root.put("method", method);
    ArrayNode list = root.putArray("candidates");
    for (Candidate c : candidates) {
      ObjectNode n = list.addObject();
      n.put("role", c.role());
      Path bundle = c.bundle().toAbsolutePath().normalize();
      Path base = outputDir.toAbsolutePath().normalize();
      n.put(
          "bundle",
          bundle.startsWith(base) ? base.relativize(bundle).toString() : bundle.toString());
      n.put("baseline", c.baseline());
    }
    try {
      Path tmp = Files.createTempFile(outputDir, FILE, ".tmp");
      Files.write(tmp, RegistryJson.write(root));
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
      JsonNode root = RegistryJson.parse(Files.readAllBytes(file));
      if (!method.equals(root.path("method").asText())) {
        return Optional.empty();
      }
      List<Candidate> out = new ArrayList<>();
      for (JsonNode n : root.path("candidates")) {
        Path bundle = outputDir.resolve(n.get("bundle").asText());
        VariantBundle.verify(bundle);
        out.add(new Candidate(n.get("role").asText(), bundle, n.get("baseline").asBoolean()));
      }
      return out.isEmpty() ? Optional.empty() : Optional.of(out);
    } catch (IOException | RuntimeException e) {
      LOG.warn("ignoring checkpoint {}: {}", file, e.getMessage());
      return Optional.empty();
    }
  }
}
