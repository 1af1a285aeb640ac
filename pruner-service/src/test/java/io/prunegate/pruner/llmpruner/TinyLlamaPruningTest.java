package io.prunegate.pruner.llmpruner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.model.safetensors.SafetensorsFile;
import io.prunegate.pruner.lora.TrainingLoss;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LLM-Pruner's importance and slicing against the independent tiny-llama reference. */
class TinyLlamaPruningTest {

  private static final RuntimeOptions CPU = new RuntimeOptions("cpu", 1, 1);

  @Test
  void firstOrderImportancesMatchTheReference() {
    Path dir = TinyLlamaFixture.dir("dense");
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    try (LoadedModel model = LoadedModel.load(dir, CPU, true)) {
      Transformer t = model.transformer();
      List<Integer> layers = List.of(0, 1, 2, 3);
      CalibrationGradients.Result g =
          CalibrationGradients.collect(
              t,
              layers,
              List.of(batch),
              TrainingLoss.languageModel(),
              false,
              ProgressListener.NONE);
      assertEquals(expected.get("lm_loss").asDouble(), g.meanLoss(), 1e-5);
      List<LayerImportance> imp =
          TaylorImportance.of(
              model.config(),
              g.layers(),
              ImportanceEstimator.ELEMENT_FIRST_ORDER,
              GroupAggregation.SUM);
      double worst = 0;
      for (LayerImportance li : imp) {
        JsonNode ref = expected.get("taylor_first_order_importance").get("layer." + li.layer());
        worst = Math.max(worst, worstRelative(li.kvGroups(), ref.get("kv_group_importance")));
        worst = Math.max(worst, worstRelative(li.ffnChannels(), ref.get("ffn_channel_importance")));
        assertEquals(2, li.kvGroups().length);
        assertEquals(160, li.ffnChannels().length);
      }
      System.out.printf("tiny-llama Taylor importance: worst relative error %.2e%n", worst);
      assertTrue(worst <= 1e-4, "worst relative error " + worst);
    }
  }

  @Test
  void estimatorsAndAggregationsDifferAsDefined() {
    Path dir = TinyLlamaFixture.dir("dense");
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    try (LoadedModel model = LoadedModel.load(dir, CPU, true)) {
      CalibrationGradients.Result g =
          CalibrationGradients.collect(
              model.transformer(),
              List.of(1),
              List.of(batch),
              TrainingLoss.languageModel(),
              true,
              ProgressListener.NONE);
      LayerGradients lg = g.layers().get(1);
      // vector-wise: |sum w*g| per structure, summed over the channel's three structures
      double[] vector =
          GroupImportance.feedForward(
              lg.gate(),
              lg.up(),
              lg.down(),
              ImportanceEstimator.VECTOR_FIRST_ORDER,
              GroupAggregation.SUM);
      double[] element =
          GroupImportance.feedForward(
              lg.gate(),
              lg.up(),
              lg.down(),
              ImportanceEstimator.ELEMENT_FIRST_ORDER,
              GroupAggregation.SUM);
      double[] max =
          GroupImportance.feedForward(
              lg.gate(),
              lg.up(),
              lg.down(),
              ImportanceEstimator.ELEMENT_FIRST_ORDER,
              GroupAggregation.MAX);
      double[] mean =
          GroupImportance.feedForward(
              lg.gate(),
              lg.up(),
              lg.down(),
              ImportanceEstimator.ELEMENT_FIRST_ORDER,
              GroupAggregation.MEAN);
      double[] second =
          GroupImportance.feedForward(
              lg.gate(),
              lg.up(),
              lg.down(),
              ImportanceEstimator.SECOND_ORDER,
              GroupAggregation.SUM);
      int c = 7;
      int d = 64;
      double gateV = 0;
      double upV = 0;
      double downV = 0;
      double gateE = 0;
      double secondRef = 0;
      for (int i = 0; i < d; i++) {
        gateV += lg.gate().weight()[c * d + i] * (double) lg.gate().grad()[c * d + i];
        upV += lg.up().weight()[c * d + i] * (double) lg.up().grad()[c * d + i];
        int dc = i * 160 + c;
        downV += lg.down().weight()[dc] * (double) lg.down().grad()[dc];
        gateE += Math.abs(lg.gate().weight()[c * d + i] * (double) lg.gate().grad()[c * d + i]);
        for (ProjectionGradients p : List.of(lg.gate(), lg.up())) {
          double w = p.weight()[c * d + i];
          secondRef += Math.abs(w * p.grad()[c * d + i] - 0.5 * w * w * p.fisher()[c * d + i]);
        }
        double w = lg.down().weight()[dc];
        secondRef += Math.abs(w * lg.down().grad()[dc] - 0.5 * w * w * lg.down().fisher()[dc]);
      }
      assertEquals(Math.abs(gateV) + Math.abs(upV) + Math.abs(downV), vector[c], 1e-9);
      assertEquals(secondRef, second[c], 1e-9);
      // one batch: the Fisher is g^2 exactly
      assertEquals(
          lg.gate().grad()[5] * (double) lg.gate().grad()[5], lg.gate().fisher()[5], 1e-12);
      assertTrue(max[c] >= gateE - 1e-12 && max[c] <= element[c]);
      assertEquals(element[c] / 3, mean[c], 1e-12);
      assertTrue(IntStream.range(0, 160).allMatch(i -> vector[i] <= element[i] + 1e-12));
    }
  }

  @Test
  void pruningAsTheReadmeDescribesReproducesThePrunedReference(@TempDir Path tmp) throws Exception {
    Path dense = TinyLlamaFixture.dir("dense");
    Path prunedDir = TinyLlamaFixture.dir("pruned");
    JsonNode expected = TinyLlamaFixture.expected(prunedDir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    int[] kept0 = new int[expected.get("kept_ffn_channels_layer0").size()];
    for (int i = 0; i < kept0.length; i++) {
      kept0[i] = expected.get("kept_ffn_channels_layer0").get(i).asInt();
    }
    int[] all160 = IntStream.range(0, 160).toArray();
    PruningPlan plan =
        new PruningPlan(
            List.of(
                new LayerPlan(0, new int[] {0, 1}, kept0),
                new LayerPlan(1, new int[0], all160),
                new LayerPlan(2, new int[] {0, 1}, new int[0]),
                new LayerPlan(3, new int[] {1}, all160)));
    Path out = tmp.resolve("variant");
    long before;
    long after;
    try (LoadedModel model = LoadedModel.load(dense, CPU);
        NDManager m = model.newBatchManager()) {
      before = model.transformer().weights().parameterCount();
      StructuredSlicer.Sliced sliced =
          StructuredSlicer.apply(model.config(), model.transformer().weights(), plan, m);
      after = sliced.weights().parameterCount();
      assertEquals(
          List.of(
              new LayerStructure(4, 2, 96),
              new LayerStructure(0, 0, 160),
              new LayerStructure(4, 2, 0),
              new LayerStructure(2, 1, 160)),
          sliced.config().layers());
      Transformer t = LoadedModel.create(sliced.config(), sliced.weights(), false);
      try (NDManager b = model.newBatchManager()) {
        float[] logits =
            Forward.run(t, b, batch, ForwardOptions.full(4).withLogits()).logits().toFloatArray();
        double diff = TinyLlamaFixture.maxLogitDiff(logits, batch, 211, expected);
        assertTrue(diff <= 1e-4, "in-memory pruned logits max |diff| " + diff);
      }
      model.save(out, sliced.config(), sliced.weights());
    }
    // The written variant equals the reference tensor for tensor and runs to the same logits.
    try (SafetensorsFile mine = SafetensorsFile.open(out.resolve("model.safetensors"));
        SafetensorsFile ref = SafetensorsFile.open(prunedDir.resolve("model.safetensors"))) {
      assertEquals(ref.tensors().keySet(), mine.tensors().keySet());
      for (String name : ref.tensors().keySet()) {
        assertArrayEquals(ref.info(name).shape(), mine.info(name).shape(), name);
        assertArrayEquals(ref.floats(name), mine.floats(name), 0f, name);
      }
    }
    try (LoadedModel variant = LoadedModel.load(out, CPU);
        NDManager b = variant.newBatchManager()) {
      assertEquals(after, variant.transformer().weights().parameterCount());
      float[] logits =
          Forward.run(variant.transformer(), b, batch, ForwardOptions.full(4).withLogits())
              .logits()
              .toFloatArray();
      double diff = TinyLlamaFixture.maxLogitDiff(logits, batch, 211, expected);
      assertTrue(diff <= 1e-4, "reloaded variant logits max |diff| " + diff);
    }
    assertTrue(after < before, after + " >= " + before);
    assertTrue(
        Files.size(out.resolve("model.safetensors"))
            < Files.size(dense.resolve("model.safetensors")));
    System.out.printf("tiny-llama pruned: %d -> %d parameters%n", before, after);
  }

  private static double worstRelative(double[] mine, JsonNode ref) {
    assertEquals(ref.size(), mine.length);
    double worst = 0;
    for (int i = 0; i < mine.length; i++) {
      double r = ref.get(i).asDouble();
      worst = Math.max(worst, Math.abs(mine[i] - r) / Math.abs(r));
    }
    return worst;
  }
}
