package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.config.Sublayer;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.pruner.cli.FinerCutCommand;
import io.prunegate.pruner.progress.ProgressListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** FinerCut on a real post-norm encoder (all-MiniLM-L6-v2): search, bundle, CLI. */
class FinerCutEncoderTest {

  private static final RuntimeOptions ONE_THREAD = new RuntimeOptions("cpu", 1, 1);

  static final List<String> SENTENCES =
      List.of(
          "The gateway batches requests from Kafka and answers them with the smallest model.",
          "A pruned encoder keeps most of its accuracy when only redundant sublayers go.",
          "Customers asked why the invoice for March was charged twice to the same card.",
          "Rain is expected over the northern hills tonight, clearing by the morning.",
          "She opened the old wooden box and found letters written a century ago.",
          "Short text.",
          "The committee postponed its decision until the budget figures were audited.",
          "Transformers stack attention and feed-forward sublayers with residual connections.");

  @Test
  void cachedEvaluationGivesTheNaiveOrderOnPaddedEncoderBatches() {
    Path dir = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      List<TokenBatch> batches =
          List.of(model.tokenize(SENTENCES.subList(0, 5)), model.tokenize(SENTENCES.subList(5, 8)));
      assertTrue(
          batches.get(0).validTokens()
              < (long) batches.get(0).batchSize() * batches.get(0).seqLen());
      RemovalOrder[] orders = new RemovalOrder[2];
      for (FinerCutOptions.Evaluation mode : FinerCutOptions.Evaluation.values()) {
        orders[mode.ordinal()] =
            new GreedyRemoval(
                    model.transformer(),
                    model.manager(),
                    batches,
                    new OutputCriterion.FinalHiddenAngle(),
                    FinerCutOptions.defaults().withSearchRatio(0.25).withEvaluation(mode))
                .run(ProgressListener.NONE);
      }
      RemovalOrder cached = orders[0];
      RemovalOrder naive = orders[1];
      assertEquals(3, cached.steps().size());
      assertEquals(naive.sequence(), cached.sequence());
      for (int i = 0; i < cached.steps().size(); i++) {
        for (var e : cached.steps().get(i).candidates().entrySet()) {
          assertEquals(
              naive.steps().get(i).candidates().get(e.getKey()), e.getValue(), 1e-5, "step " + i);
        }
      }
      System.out.printf(
          "MiniLM order %s, %d vs %d sublayer evaluations%n",
          cached.sequence(), cached.sublayerEvaluations(), naive.sublayerEvaluations());
    }
  }

  @Test
  void chipCriterionCachedEqualsNaiveAndIsZeroForTheUnprunedModel() {
    Path dir = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD)) {
      java.util.Random random = new java.util.Random(3);
      float[] w = new float[3 * 384];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) random.nextGaussian();
      }
      var chip =
          new io.prunegate.model.chip.LinearChip(
              6,
              model.manager().create(w, new ai.djl.ndarray.types.Shape(3, 384)),
              model.manager().create(new float[] {0.1f, 0f, -0.1f}));
      var criterion =
          new OutputCriterion.ChipJensenShannon(chip, io.prunegate.model.runtime.Pooling.MEAN);
      List<TokenBatch> batches = List.of(model.tokenize(SENTENCES));
      RemovalOrder[] orders = new RemovalOrder[2];
      for (FinerCutOptions.Evaluation mode : FinerCutOptions.Evaluation.values()) {
        orders[mode.ordinal()] =
            new GreedyRemoval(
                    model.transformer(),
                    model.manager(),
                    batches,
                    criterion,
                    FinerCutOptions.defaults().withSearchRatio(0.125).withEvaluation(mode))
                .run(ProgressListener.NONE);
      }
      assertEquals(orders[1].sequence(), orders[0].sequence());
      assertEquals("chip-js", orders[0].criterion());
      for (var e : orders[0].steps().get(0).candidates().entrySet()) {
        assertEquals(orders[1].steps().get(0).candidates().get(e.getKey()), e.getValue(), 1e-6);
        assertTrue(e.getValue() >= 0 && e.getValue() <= Math.log(2), e.toString());
      }
      // The reference against itself: a candidate set with nothing removed diverges by 0.
      try (NDManager m = model.newBatchManager()) {
        var out = Forward.run(model.transformer(), m, batches.get(0), ForwardOptions.full(6));
        var state = new io.prunegate.model.runtime.HiddenState(out.residual(), out.context());
        var ref = criterion.prepare(model.transformer(), m, state);
        assertEquals(0.0, criterion.divergenceSum(ref, ref), 1e-15);
      }
    }
  }

  @Test
  void commandWritesLoadableBundlesThatRunLikeTheMaskedModel(@TempDir Path tmp) throws Exception {
    Path dir = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    Path text = tmp.resolve("calibration.txt");
    Files.write(text, java.util.Collections.nCopies(6, String.join("\n", SENTENCES)));
    Path out = tmp.resolve("out");
    StringWriter sw = new StringWriter();
    CommandLine cli = new CommandLine(new FinerCutCommand()).setOut(new PrintWriter(sw));
    int code =
        cli.execute(
            "--model", dir.toString(),
            "--calibration", text.toString(),
            "--sequences", "4",
            "--tokens", "32",
            "--ratio", "0.125,0.25",
            "--search-ratio", "0.25",
            "--threads", "1",
            "--output", out.toString());
    String printed = sw.toString();
    assertEquals(0, code, printed);
    assertTrue(printed.contains("sublayer evaluations:"), printed);
    assertTrue(printed.contains("layer  attention  ffn"), printed);
    assertTrue(Files.isRegularFile(out.resolve(FinerCutVariant.REPORT)));

    Path bundle = out.resolve("finercut-r25");
    VariantBundle.verify(bundle);
    BundleManifest m = VariantBundle.readManifest(bundle);
    assertEquals("finercut", m.method());
    assertEquals("finercut-r25", m.variant());
    assertEquals(9, m.structure().attentionSublayers() + m.structure().ffnSublayers());
    assertTrue(m.structure().parameters() < m.structure().parentParameters());
    @SuppressWarnings("unchecked")
    Map<String, Object> calib = (Map<String, Object>) m.data().get("calibration");
    assertEquals(4, calib.get("sequences"));
    assertEquals(32, calib.get("tokens"));
    assertEquals(VariantBundle.sha256(text), calib.get("sha256"));
    @SuppressWarnings("unchecked")
    List<String> removedNames = (List<String>) m.details().get("removed");
    assertEquals(3, removedNames.size());
    Set<Sublayer> removed = new HashSet<>();
    removedNames.forEach(s -> removed.add(Sublayer.parse(s)));
    @SuppressWarnings("unchecked")
    List<String> smaller =
        (List<String>)
            VariantBundle.readManifest(out.resolve("finercut-r12.5")).details().get("removed");
    assertEquals(removedNames.subList(0, 2), smaller);

    float[] masked;
    TokenBatch batch;
    try (LoadedModel model = LoadedModel.load(dir, ONE_THREAD);
        NDManager nd = model.newBatchManager()) {
      batch = model.tokenize(SENTENCES);
      masked =
          Forward.run(model.transformer(), nd, batch, ForwardOptions.full(6).withRemoved(removed))
              .finalHidden()
              .toFloatArray();
    }
    try (LoadedModel pruned = LoadedModel.load(bundle, ONE_THREAD);
        NDManager nd = pruned.newBatchManager()) {
      float[] h =
          Forward.run(pruned.transformer(), nd, batch, ForwardOptions.full(6))
              .finalHidden()
              .toFloatArray();
      double max = 0;
      for (int i = 0; i < h.length; i++) {
        max = Math.max(max, Math.abs(h[i] - masked[i]));
      }
      assertTrue(max <= 1e-4, "pruned vs masked hidden max |diff| = " + max);
    }
  }
}
