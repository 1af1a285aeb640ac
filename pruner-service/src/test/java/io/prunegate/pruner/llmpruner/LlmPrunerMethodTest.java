package io.prunegate.pruner.llmpruner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipRecipeAssert;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy entry of LLM-Pruner: parameters read with their defaults, errors naming fields. */
class LlmPrunerMethodTest {

  @Test
  void readsParametersAndDefaults() {
    MethodSpec spec =
        new MethodSpec(
            "llm-pruner",
            Map.of("ratios", List.of(0.2, 0.4), "estimator", "second", "lora_rank", 4),
            "methods[0]",
            "llm-pruner");
    LlmPrunerOptions o = LlmPrunerMethod.options(spec, 7L);
    assertEquals(ImportanceEstimator.SECOND_ORDER, o.estimator());
    assertEquals(GroupAggregation.SUM, o.aggregation());
    assertEquals(4, o.lora().rank());
    assertEquals(16f, o.lora().alpha());
    assertEquals(0.05f, o.lora().dropout());
    assertEquals(256, o.calibrationSamples());
    assertTrue(o.recover());
    CompressionPolicy p =
        CompressionPolicy.parse(
            "{\"methods\": [{\"method\": \"llm-pruner\", \"ratios\": [0.2, 0.4]}],"
                + " \"data\": {\"train\": \"t\"}}");
    assertEquals(1, CompressionMethods.builtin().validate(p).size());
  }

  @Test
  void candidatesServeChipTuningChipsRetrainedOnThePrunedBackbone(@TempDir Path tmp) {
    DatasetSplits all = BuiltinDatasets.supportTickets();
    DatasetSplits data =
        new DatasetSplits(
            all.train().sample(60, 1), all.validation().sample(40, 1), Optional.empty());
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    MethodSpec spec =
        new MethodSpec(
            "llm-pruner",
            Map.of(
                "ratios",
                List.of(0.25),
                "recover",
                false,
                "calibration_samples",
                8,
                "max_train_examples",
                30),
            "methods[0]",
            "llm-pruner");
    RuntimeOptions cpu = new RuntimeOptions("cpu", 1, 1);
    List<Candidate> candidates =
        new LlmPrunerMethod()
            .compress(
                new CompressionRequest(
                    spec, "minilm", 1, model, data, Optional.empty(), tmp, cpu, 42L, 5),
                ProgressListener.NONE);
    assertEquals(List.of("r25"), candidates.stream().map(Candidate::role).toList());
    Path bundle = candidates.get(0).bundle();
    // not LLM-Pruner's own linear importance chip: the chip method's head, ensemble and pooling
    ChipRecipeAssert.assertChipTuningChips(bundle, ChipTuningOptions.defaults().withThreads(1));
    BundleManifest m = VariantBundle.readManifest(bundle);
    assertEquals(6, m.structure().chipDepths().get(m.structure().chipDepths().size() - 1));
    assertTrue(m.structure().parameters() < m.structure().parentParameters());
    assertEquals(data.labelNames(), m.labels());
    // LLM-Pruner's own score (its linear scoring chip) is kept apart from the served chips'
    assertTrue(m.details().containsKey("method_evaluation"), m.details().toString());
  }

  @Test
  void badParametersNameTheirField() {
    assertField("methods[0].ratios", Map.of("ratios", List.of(1.5)));
    assertField("methods[0].estimator", Map.of("estimator", "third"));
    assertField("methods[0].aggregation", Map.of("aggregation", "median"));
    assertField("methods[0].lora_rank", Map.of("lora_rank", 0));
    assertField("methods[0].ratio", Map.of("ratio", 0.2));
    assertField("methods[0].head", Map.of("head", "deep"));
    assertField("methods[0].ensemble", Map.of("ensemble", 0));
  }

  private static void assertField(String field, Map<String, Object> params) {
    MethodSpec spec = new MethodSpec("llm-pruner", params, "methods[0]", "llm-pruner");
    PolicyException e =
        assertThrows(PolicyException.class, () -> new LlmPrunerMethod().validate(spec));
    assertEquals(field, e.field(), e.getMessage());
  }
}
