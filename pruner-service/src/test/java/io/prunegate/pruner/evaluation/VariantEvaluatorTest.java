package io.prunegate.pruner.evaluation;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.LabelledDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator screens candidates: one whose chip weights are NaN (its probabilities are NaN) is
 * rejected with a reason that says so, never measured; the same bundle with finite weights is.
 */
class VariantEvaluatorTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);
  private static final int HIDDEN = 384;

  @Test
  void aCandidateWithNanChipWeightsIsRejectedNotMeasured(@TempDir Path dir) throws IOException {
    LabelledDataset data = sample();
    Path nan = bundle(dir.resolve("nan"), data.labelNames(), Float.NaN);
    CandidateOutcome outcome = new VariantEvaluator(CPU, 0).screen(nan, data);
    CandidateOutcome.Rejected r = assertInstanceOf(CandidateOutcome.Rejected.class, outcome);
    assertTrue(r.reason().startsWith("non-finite outputs: "), r.reason());
    assertTrue(r.reason().contains("NaN or infinity"), r.reason());
  }

  @Test
  void theSameBundleWithFiniteWeightsIsMeasured(@TempDir Path dir) throws IOException {
    LabelledDataset data = sample();
    Path ok = bundle(dir.resolve("ok"), data.labelNames(), 0.01f);
    CandidateOutcome outcome = new VariantEvaluator(CPU, 0).screen(ok, data);
    VariantEvaluation e = assertInstanceOf(CandidateOutcome.Measured.class, outcome).evaluation();
    assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1, "accuracy " + e.accuracy());
  }

  /** A few validation examples: enough to run a batch, cheap on a shared CPU. */
  private static LabelledDataset sample() {
    LabelledDataset v = BuiltinDatasets.supportTickets().validation();
    return v.subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
  }

  /** The real MiniLM backbone with one linear chip at layer 6 whose weights are all {@code w}. */
  private static Path bundle(Path dir, List<String> labels, float w) throws IOException {
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    Files.createDirectories(dir);
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
    int classes = labels.size();
    float[] weights = new float[classes * HIDDEN];
    Arrays.fill(weights, w);
    try (NDManager m = NDManager.newBaseManager()) {
      new ChipSet(
              List.of(
                  new LinearChip(
                      6,
                      m.create(weights, new Shape(classes, HIDDEN)),
                      m.zeros(new Shape(classes)))),
              Pooling.MEAN,
              labels,
              Map.of())
          .write(dir);
    }
    VariantBundle.writeManifest(
        dir,
        new BundleManifest(
            BundleManifest.SCHEMA_VERSION,
            "chip-test",
            "chip",
            Map.of(),
            new BundleManifest.Lineage("all-MiniLM-L6-v2", null, "all-MiniLM-L6-v2"),
            null,
            labels,
            null,
            null,
            null,
            null,
            null));
    return dir;
  }
}
