package io.prunegate.pruner.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A step whose loss is NaN, or whose loss is finite but whose gradient is not, is skipped: the
 * adapters keep the values they had before it (one such step would otherwise make every weight NaN
 * for good), the curve records the step's loss, and training goes on and still lowers the loss.
 */
class LoraTrainerNonFiniteStepTest {

  private static final int STEPS = 12;
  private static final int NAN_LOSS_STEP = 3;
  private static final int NAN_GRADIENT_STEP = 6;

  @Test
  void nonFiniteStepsAreSkippedAndLeaveTheAdaptersAsTheyWere() {
    Path dir = TinyLlamaFixture.dir("dense");
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    LoraOptions options = LoraOptions.defaults().withLearningRate(1e-2f).withEpochs(STEPS);
    try (LoadedModel model = LoadedModel.load(dir, new RuntimeOptions("cpu", 1, 1), true);
        NDManager lora = model.newBatchManager()) {
      LoraAdapters.Attached attached =
          LoraAdapters.attach(model.transformer().weights(), options, lora);
      List<NDArray> adapters = attached.trainable();
      Transformer training = LoadedModel.create(model.config(), attached.weights(), true);
      TrainingLoss clean = TrainingLoss.languageModel();
      // The adapters as the loss sees them at the start of each step: the values after the step
      // before it.
      Map<Integer, List<float[]>> seen = new HashMap<>();
      int[] calls = {0};
      TrainingLoss poisoned =
          (model1, m, b) -> {
            int step = ++calls[0];
            seen.put(step, snapshot(adapters));
            NDArray l = clean.compute(model1, m, b);
            if (step == NAN_LOSS_STEP) {
              return l.mul(Float.NaN);
            }
            if (step == NAN_GRADIENT_STEP) {
              // sqrt(0 * a) is 0 (the loss stays finite) but its gradient is 0 * inf = NaN.
              return l.add(adapters.get(0).mul(0f).sqrt().sum());
            }
            return l;
          };
      LossCurve curve =
          new LoraTrainer(options)
              .train(
                  training, adapters, List.of(), List.of(batch), poisoned, ProgressListener.NONE);

      assertEquals(STEPS, curve.steps().size());
      assertTrue(Double.isNaN(curve.steps().get(NAN_LOSS_STEP - 1)), "the NaN loss is recorded");
      assertTrue(
          Double.isFinite(curve.steps().get(NAN_GRADIENT_STEP - 1)),
          "the NaN-gradient step's loss itself is finite");
      for (int step : new int[] {NAN_LOSS_STEP, NAN_GRADIENT_STEP}) {
        List<float[]> before = seen.get(step);
        List<float[]> after = seen.get(step + 1);
        for (int i = 0; i < before.size(); i++) {
          assertArrayEquals(before.get(i), after.get(i), "adapter " + i + " moved at step " + step);
        }
      }
      // A clean step does move them (the comparison above is not vacuous).
      boolean moved = false;
      for (int i = 0; i < adapters.size(); i++) {
        moved |= !Arrays.equals(seen.get(2).get(i), seen.get(3).get(i));
      }
      assertTrue(moved, "a clean step (2) left every adapter unchanged");
      for (float[] values : snapshot(adapters)) {
        for (float v : values) {
          assertTrue(Float.isFinite(v), "an adapter weight is " + v);
        }
      }
      assertTrue(
          curve.tailMean(3) < curve.steps().get(0) - 0.05,
          "LM loss did not fall: " + curve.steps().get(0) + " -> " + curve.tailMean(3));
    }
  }

  private static List<float[]> snapshot(List<NDArray> arrays) {
    List<float[]> out = new ArrayList<>();
    for (NDArray a : arrays) {
      out.add(a.toFloatArray());
    }
    return out;
  }
}
