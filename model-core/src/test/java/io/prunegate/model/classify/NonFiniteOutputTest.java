package io.prunegate.model.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A chip whose weights are NaN never yields an answer. */
class NonFiniteOutputTest {

  @Test
  void nanChipWeightsThrowInsteadOfAnswering() throws Exception {
    Path dir = TinyLlamaFixture.dir("dense");
    TokenBatch batch = TinyLlamaFixture.batch(TinyLlamaFixture.expected(dir));
    try (LoadedModel model = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1))) {
      NDManager m = model.manager();
      int d = model.config().hiddenSize();
      float[] finite = new float[2 * d];
      Arrays.fill(finite, 0.01f);
      float[] nan = finite.clone();
      nan[3] = Float.NaN;
      List<String> labels = List.of("a", "b");
      TextClassifier good = TextClassifier.of(model, chips(m, finite, d, labels));
      assertEquals(batch.batchSize(), good.classify(batch, true).size());
      TextClassifier bad = TextClassifier.of(model, chips(m, nan, d, labels));
      var e = assertThrows(NonFiniteOutputException.class, () -> bad.classify(batch, true));
      assertTrue(
          e.getMessage().contains("layer 2") && e.getMessage().contains("row 0"), e.getMessage());
    }
  }

  private static ChipSet chips(NDManager m, float[] weight, int d, List<String> labels) {
    return ChipSet.single(
        new LinearChip(2, m.create(weight).reshape(2, d), m.zeros(new Shape(2))),
        Pooling.LAST_TOKEN,
        labels);
  }
}
