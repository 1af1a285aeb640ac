package io.prunegate.pruner.evaluation;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.LabelledDataset;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluator screens candidates: one whose chip weights are NaN (its probabilities are NaN) is
 * rejected with a reason that says so, never measured; the same bundle with finite weights is.
 */
class VariantEvaluatorTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);

  @Test
  void aCandidateWithNanChipWeightsIsRejectedNotMeasured(@TempDir Path dir) throws IOException {
    LabelledDataset data = sample();
    Path nan = ChipBundles.linear(dir.resolve("nan"), data.labelNames(), Float.NaN);
    CandidateOutcome outcome = new VariantEvaluator(CPU, 0).screen(nan, data);
    CandidateOutcome.Rejected r = assertInstanceOf(CandidateOutcome.Rejected.class, outcome);
    assertTrue(r.reason().startsWith("non-finite outputs: "), r.reason());
    assertTrue(r.reason().contains("NaN or infinity"), r.reason());
  }

  @Test
  void theSameBundleWithFiniteWeightsIsMeasured(@TempDir Path dir) throws IOException {
    LabelledDataset data = sample();
    Path ok = ChipBundles.linear(dir.resolve("ok"), data.labelNames(), 0.01f);
    CandidateOutcome outcome = new VariantEvaluator(CPU, 0).screen(ok, data);
    VariantEvaluation e = assertInstanceOf(CandidateOutcome.Measured.class, outcome).evaluation();
    assertTrue(e.accuracy() >= 0 && e.accuracy() <= 1, "accuracy " + e.accuracy());
  }

  /** A few validation examples: enough to run a batch, cheap on a shared CPU. */
  private static LabelledDataset sample() {
    LabelledDataset v = BuiltinDatasets.supportTickets().validation();
    return v.subset(new int[] {0, 1, 2, 3, 4, 5, 6, 7});
  }
}
