package io.prunegate.pruner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.chip.ChipSet;
import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.llmpruner.LlmPrunerBundle;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code prune llm-pruner} end to end on bge-small-en-v1.5 with the shipped support-tickets data
 * (kept small: 48 training tickets, 8 for importance, a 3-step LoRA epoch, 40 validation tickets).
 */
class LlmPrunerCommandTest {

  @Test
  void prunesAnEncoderAndWritesAVerifiedBundle(@TempDir Path tmp) throws Exception {
    Path data = BuiltinDatasets.materialize(BuiltinDatasets.SUPPORT_TICKETS, tmp.resolve("data"));
    // a 40-ticket validation file keeps the three validation passes cheap
    java.util.List<String> lines = java.nio.file.Files.readAllLines(data.resolve("validation.tsv"));
    java.nio.file.Files.write(tmp.resolve("validation-40.tsv"), lines.subList(0, 41));
    Path out = tmp.resolve("variant");
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code =
          new CommandLine(new PruneCommand())
              .execute(
                  "llm-pruner",
                  "--model",
                  "bge-small-en-v1.5",
                  "--train",
                  data.resolve("train.tsv").toString(),
                  "--validation",
                  tmp.resolve("validation-40.tsv").toString(),
                  "--max-train",
                  "48",
                  "--calibration-samples",
                  "8",
                  "--ratio",
                  "0.25",
                  "--layers",
                  "3,4,5,6,7,8",
                  "--lora-lr",
                  "1e-3",
                  "--threads",
                  "1",
                  "--device",
                  "cpu",
                  "--output",
                  out.toString());
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, code);
    String text = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
    // the line prune chip prints for its variants: accuracy, latency and throughput
    assertTrue(
        java.util.regex.Pattern.compile(
                "llm-pruner-r25 accuracy [01]\\.\\d{4} .* b32 p50 .* ms +\\d+/s")
            .matcher(text)
            .find(),
        text);
    // the served chips are the chip-tuning recipe's, not the linear importance chip
    io.prunegate.pruner.chip.ChipRecipeAssert.assertChipTuningChips(
        out, io.prunegate.pruner.chip.ChipTuningOptions.defaults().withThreads(2));
    VariantBundle.verify(out);
    BundleManifest m = VariantBundle.readManifest(out);
    assertEquals("llm-pruner", m.method());
    assertEquals("llm-pruner-r25", m.variant());
    assertEquals(5, m.labels().size());
    assertTrue(m.structure().parameters() < m.structure().parentParameters());
    // 12 heads: round(0.25 * 12) = 3 removed in each pruned layer, others untouched
    assertEquals(9, m.structure().perLayer().get(3).attentionHeads());
    assertEquals(new LayerStructure(12, 12, 1536), m.structure().perLayer().get(0));
    assertTrue(m.evaluation().accuracy() > 0.2, "accuracy " + m.evaluation().accuracy());
    JsonNode report = new ObjectMapper().readTree(out.resolve(LlmPrunerBundle.REPORT).toFile());
    assertEquals(0.25, report.get("pruned_layer_fraction_removed").asDouble(), 0.01);
    assertEquals(3, report.get("recovery").get("steps").size());
    try (LoadedModel variant = LoadedModel.load(out, new RuntimeOptions("cpu", 1, 1))) {
      assertEquals(m.structure().parameters(), variant.transformer().weights().parameterCount());
      ChipSet chips = ChipSet.read(out, variant.manager());
      assertEquals(12, chips.maxDepth());
    }
  }

  @Test
  void rejectsMissingData(@TempDir Path tmp) {
    int code =
        new CommandLine(new PruneCommand())
            .execute("llm-pruner", "--model", "bge-small-en-v1.5", "--output", tmp.toString());
    assertEquals(2, code);
  }
}
