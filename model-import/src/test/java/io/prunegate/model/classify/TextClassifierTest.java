package io.prunegate.model.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.Sentences;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.chip.MlpChip;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chips and early exit on the real MiniLM backbone (random chip weights: mechanics, not accuracy).
 */
class TextClassifierTest {

  private static LoadedModel model;
  private static final List<String> LABELS = List.of("neg", "neu", "pos");

  @BeforeAll
  static void load() {
    model =
        LoadedModel.load(
            DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory(),
            new RuntimeOptions("cpu", 2, 1));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static ChipSet chips(Map<Integer, Double> thresholds) {
    NDManager m = model.manager();
    m.getEngine().setRandomSeed(3);
    return new ChipSet(
        List.of(
            new LinearChip(2, m.randomNormal(new Shape(3, 384)).mul(0.5), m.zeros(new Shape(3))),
            new MlpChip(
                4,
                m.randomNormal(new Shape(16, 384)).mul(0.2),
                m.zeros(new Shape(16)),
                m.randomNormal(new Shape(3, 16)),
                m.zeros(new Shape(3))),
            new LinearChip(6, m.randomNormal(new Shape(3, 384)).mul(0.5), m.zeros(new Shape(3)))),
        Pooling.MEAN,
        LABELS,
        thresholds);
  }

  @Test
  void withoutEarlyExitTheDeepestChipAnswersAsAPlainForwardWould() {
    ChipSet set = chips(Map.of());
    TokenBatch batch = model.tokenize(Sentences.MIXED);
    List<Prediction> preds = TextClassifier.of(model, set).classify(batch, false);
    try (NDManager m = model.newBatchManager()) {
      var out = Forward.run(model.transformer(), m, batch, ForwardOptions.toDepth(6));
      NDArray pooled = Pooling.MEAN.apply(m, out.captured().get(6), out.context());
      float[] probs = set.at(6).orElseThrow().logits(pooled).softmax(-1).toFloatArray();
      for (int i = 0; i < preds.size(); i++) {
        assertEquals(6, preds.get(i).exitDepth());
        assertArrayEquals(
            java.util.Arrays.copyOfRange(probs, i * 3, i * 3 + 3),
            preds.get(i).probabilities(),
            1e-6f);
      }
    }
  }

  @Test
  void thresholdsDecideTheExitLayerOfEachExample() {
    TokenBatch batch = model.tokenize(Sentences.MIXED);
    assertTrue(
        TextClassifier.of(model, chips(Map.of(2, 0.0, 4, 0.0))).classify(batch, true).stream()
            .allMatch(p -> p.exitDepth() == 2));
    assertTrue(
        TextClassifier.of(model, chips(Map.of(2, 1.01, 4, 1.01))).classify(batch, true).stream()
            .allMatch(p -> p.exitDepth() == 6));

    // A middle threshold: some leave early, and each example's answer equals that of its exit chip
    // computed on its own (the shrinking, re-trimmed batch changes nothing).
    ChipSet mixed = chips(Map.of(2, medianConfidence(batch, 2), 4, medianConfidence(batch, 4)));
    List<Prediction> preds = TextClassifier.of(model, mixed).classify(batch, true);
    long early = preds.stream().filter(p -> p.exitDepth() < 6).count();
    System.out.printf(
        "early exit: %d of %d examples left before the last chip%n", early, preds.size());
    assertTrue(early > 0 && early < preds.size(), "a mix of early and late exits: " + early);
    assertTrue(preds.stream().anyMatch(p -> p.exitDepth() == 4), "some leave at the middle chip");
    for (int i = 0; i < preds.size(); i++) {
      Prediction p = preds.get(i);
      TokenBatch single = model.tokenize(List.of(Sentences.MIXED.get(i)));
      try (NDManager m = model.newBatchManager()) {
        var out =
            Forward.run(model.transformer(), m, single, ForwardOptions.toDepth(p.exitDepth()));
        NDArray pooled = Pooling.MEAN.apply(m, out.captured().get(p.exitDepth()), out.context());
        float[] probs =
            mixed.at(p.exitDepth()).orElseThrow().logits(pooled).softmax(-1).toFloatArray();
        assertArrayEquals(probs, p.probabilities(), 2e-5f, "example " + i);
      }
      if (p.exitDepth() < 6) {
        assertTrue(p.confidence() >= mixed.threshold(p.exitDepth()).orElseThrow());
      }
    }
  }

  /** The median top probability of the chip at {@code depth} over the batch. */
  private static double medianConfidence(TokenBatch batch, int depth) {
    ChipSet set = chips(Map.of());
    try (NDManager m = model.newBatchManager()) {
      var out = Forward.run(model.transformer(), m, batch, ForwardOptions.toDepth(depth));
      NDArray pooled = Pooling.MEAN.apply(m, out.captured().get(depth), out.context());
      float[] max =
          set.at(depth).orElseThrow().logits(pooled).softmax(-1).max(new int[] {1}).toFloatArray();
      java.util.Arrays.sort(max);
      return max[max.length / 2];
    }
  }

  @Test
  void chipSetsRoundTripThroughTheirFile(@TempDir Path dir) {
    ChipSet set = chips(Map.of(2, 0.9, 4, 0.8));
    set.write(dir);
    try (NDManager m = model.newBatchManager()) {
      ChipSet back = ChipSet.read(dir, m);
      assertEquals(set.labels(), back.labels());
      assertEquals(Pooling.MEAN, back.pooling());
      assertEquals(0.9, back.threshold(2).orElseThrow());
      assertEquals(
          List.of("linear", "mlp", "linear"), back.chips().stream().map(c -> c.kind()).toList());
      TokenBatch batch = model.tokenize(Sentences.MIXED.subList(0, 4));
      var a = TextClassifier.of(model, set).classify(batch, true);
      var b = TextClassifier.of(model, back).classify(batch, true);
      for (int i = 0; i < a.size(); i++) {
        assertArrayEquals(a.get(i).probabilities(), b.get(i).probabilities());
      }
    }
  }
}
