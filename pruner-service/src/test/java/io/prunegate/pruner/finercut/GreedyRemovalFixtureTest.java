package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.model.TinyLlamaFixture;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FinerCut's search against the independent reference in ../shared/fixtures/tiny-llama/dense. */
class GreedyRemovalFixtureTest {

  private static final RuntimeOptions ONE_THREAD = new RuntimeOptions("cpu", 1, 1);

  @Test
  void firstStepDivergencesMatchTheReferenceSingleRemovalJs() {
    Path dir = TinyLlamaFixture.dir("dense");
    JsonNode expected = TinyLlamaFixture.expected(dir);
    TokenBatch batch = TinyLlamaFixture.batch(expected);
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      for (FinerCutOptions.Evaluation mode : FinerCutOptions.Evaluation.values()) {
        RemovalOrder order =
            search(model, batch, FinerCutOptions.defaults().withSearchRatio(0.125), mode);
        assertEquals(1, order.steps().size());
        Map<Sublayer, Double> first = order.steps().get(0).candidates();
        assertEquals(8, first.size());
        double max = 0;
        for (var e : expected.get("finercut_single_removal_js").properties()) {
          double ours = first.get(Sublayer.parse(e.getKey()));
          double diff = Math.abs(ours - e.getValue().asDouble());
          assertTrue(diff <= 1e-5, mode + " " + e.getKey() + ": " + ours + " vs " + e.getValue());
          max = Math.max(max, diff);
        }
        System.out.printf("tiny-llama first-step JS (%s): max |diff| = %.2e%n", mode, max);
      }
    }
  }

  @Test
  void cachedEvaluationGivesTheNaiveRemovalOrder() {
    Path dir = TinyLlamaFixture.dir("dense");
    TokenBatch batch = TinyLlamaFixture.batch(TinyLlamaFixture.expected(dir));
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      RemovalOrder cached =
          search(model, batch, FinerCutOptions.defaults(), FinerCutOptions.Evaluation.CACHED);
      RemovalOrder naive =
          search(model, batch, FinerCutOptions.defaults(), FinerCutOptions.Evaluation.NAIVE);
      assertEquals(8, cached.steps().size());
      assertEquals(naive.sequence(), cached.sequence());
      for (int i = 0; i < 8; i++) {
        RemovalStep c = cached.steps().get(i);
        RemovalStep n = naive.steps().get(i);
        assertEquals(n.candidates().keySet(), c.candidates().keySet());
        for (Sublayer s : c.candidates().keySet()) {
          assertEquals(n.candidates().get(s), c.candidates().get(s), 1e-7, "step " + i + " " + s);
        }
      }
      assertTrue(
          cached.sublayerEvaluations() < naive.sublayerEvaluations(),
          cached.sublayerEvaluations() + " vs " + naive.sublayerEvaluations());
      assertEquals(naive.naiveSublayerEvaluations(), naive.sublayerEvaluations());
      System.out.printf(
          "tiny-llama full order %s: %d sublayer evaluations cached, %d naive%n",
          cached.sequence(), cached.sublayerEvaluations(), naive.sublayerEvaluations());
    }
  }

  @Test
  void excludedLayersAndAttentionOnlyLimitTheCandidates() {
    Path dir = TinyLlamaFixture.dir("dense");
    TokenBatch batch = TinyLlamaFixture.batch(TinyLlamaFixture.expected(dir));
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      RemovalOrder order =
          search(
              model,
              batch,
              FinerCutOptions.defaults().withExcludedLayers(Set.of(0)).withAttentionOnly(true),
              FinerCutOptions.Evaluation.CACHED);
      assertEquals(3, order.steps().size());
      for (Sublayer s : order.sequence()) {
        assertEquals(Sublayer.Kind.ATTENTION, s.kind());
        assertTrue(s.layer() > 0, s.toString());
      }
    }
  }

  @Test
  void removedStructureIsWrittenAndRunsLikeTheMaskedModel(@TempDir Path tmp) {
    Path dir = TinyLlamaFixture.dir("dense");
    TokenBatch batch = TinyLlamaFixture.batch(TinyLlamaFixture.expected(dir));
    Set<Sublayer> removed;
    float[] masked;
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      RemovalOrder order =
          search(
              model,
              batch,
              FinerCutOptions.defaults().withSearchRatio(0.375),
              FinerCutOptions.Evaluation.CACHED);
      removed = order.prefix(3);
      try (NDManager m = model.newBatchManager()) {
        masked =
            Forward.run(
                    model.transformer(),
                    m,
                    batch,
                    ForwardOptions.full(4).withLogits().withRemoved(removed))
                .logits()
                .toFloatArray();
      }
      model.save(
          tmp,
          SublayerRemoval.config(model.config(), removed),
          SublayerRemoval.weights(model.transformer().weights(), removed));
    }
    try (LoadedModel pruned = LoadedModel.load(tmp, ONE_THREAD);
        NDManager m = pruned.newBatchManager()) {
      for (Sublayer s : removed) {
        var layer = pruned.config().layer(s.layer());
        assertTrue(
            s.kind() == Sublayer.Kind.ATTENTION ? !layer.hasAttention() : !layer.hasFfn(),
            s + " still in " + layer);
      }
      assertEquals(8 - 3, pruned.config().attentionSublayers() + pruned.config().ffnSublayers());
      float[] logits =
          Forward.run(pruned.transformer(), m, batch, ForwardOptions.full(4).withLogits())
              .logits()
              .toFloatArray();
      double max = 0;
      for (int i = 0; i < logits.length; i++) {
        max = Math.max(max, Math.abs(logits[i] - masked[i]));
      }
      assertTrue(max <= 1e-5, "pruned vs masked logits max |diff| = " + max);
    }
  }

  private static RemovalOrder search(
      LoadedModel model,
      TokenBatch batch,
      FinerCutOptions options,
      FinerCutOptions.Evaluation mode) {
    return new GreedyRemoval(
            model.transformer(),
            model.manager(),
            List.of(batch),
            new OutputCriterion.NextTokenJensenShannon(),
            options.withEvaluation(mode))
        .run(ProgressListener.NONE);
  }
}
