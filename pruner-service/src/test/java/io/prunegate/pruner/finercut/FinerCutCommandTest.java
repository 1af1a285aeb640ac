package io.prunegate.pruner.finercut;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.chip.ChipRecipeAssert;
import io.prunegate.pruner.chip.ChipTuningOptions;
import io.prunegate.pruner.cli.PruneCommand;
import io.prunegate.pruner.data.BuiltinDatasets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code prune finercut} is reachable under {@code prune} and documents its options. */
class FinerCutCommandTest {

  @Test
  void finercutIsASubcommandOfPruneWithDocumentedOptions() {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new PruneCommand()).setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("finercut", "--help"));
    String help = out.toString();
    for (String option :
        new String[] {
          "--model",
          "--calibration",
          "--ratio",
          "--search-ratio",
          "--exclude-layers",
          "--attention-only",
          "--criterion",
          "--naive",
          "--sequences",
          "--tokens",
          "--output"
        }) {
      assertTrue(help.contains(option), option + " missing from:\n" + help);
    }
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    assertNotEquals(0, cli.execute("finercut", "--model", "m"));
    assertTrue(err.toString().contains("--calibration"), err.toString());
  }

  @Test
  void withTrainEveryBundleServesChipTuningChipsAndIsEvaluated(@TempDir Path tmp) throws Exception {
    Path data = BuiltinDatasets.materialize(BuiltinDatasets.SUPPORT_TICKETS, tmp.resolve("data"));
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    // 40 validation and 40 test tickets keep the evaluation passes cheap
    List<String> val = Files.readAllLines(data.resolve("validation.tsv"));
    Files.write(tmp.resolve("validation-40.tsv"), val.subList(0, 41));
    List<String> test = Files.readAllLines(data.resolve("test.tsv"));
    Files.write(tmp.resolve("test-40.tsv"), test.subList(0, 41));
    Path out = tmp.resolve("out");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    CommandLine cli =
        new CommandLine(new PruneCommand()).setOut(new PrintWriter(o)).setErr(new PrintWriter(e));
    int code =
        cli.execute(
            "finercut",
            "--model",
            model.toString(),
            "--train",
            data.resolve("train.tsv").toString(),
            "--validation",
            tmp.resolve("validation-40.tsv").toString(),
            "--test",
            tmp.resolve("test-40.tsv").toString(),
            "--max-train",
            "100",
            "--ratio",
            "0.25",
            "--sequences",
            "4",
            "--tokens",
            "32",
            "--threads",
            "1",
            "--output",
            out.toString());
    assertEquals(0, code, e.toString());
    String printed = o.toString();
    assertTrue(printed.contains("data: "), printed);
    // the line prune chip prints for its variants: test accuracy, latency and throughput
    assertTrue(
        java.util.regex.Pattern.compile(
                "finercut-r25 +accuracy [01]\\.\\d{4} .* b32 p50 .* ms +\\d+/s")
            .matcher(printed)
            .find(),
        printed);
    Path bundle = out.resolve("finercut-r25");
    ChipRecipeAssert.assertChipTuningChips(bundle, ChipTuningOptions.defaults().withThreads(1));
    try (TextClassifier c = TextClassifier.load(bundle, new RuntimeOptions("cpu", 1, 1))) {
      assertEquals(2, c.classify(List.of("my invoice is wrong", "the app crashes")).size());
    }
  }
}
