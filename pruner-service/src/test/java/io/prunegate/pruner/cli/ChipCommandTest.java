package io.prunegate.pruner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.pruner.data.BuiltinDatasets;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code prune chip} on the shipped dataset with MiniLM, a fixed layer and no early exit. */
class ChipCommandTest {

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new PruneCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void writesTheVariantDirectory(@TempDir Path dir) {
    Path data = BuiltinDatasets.materialize(BuiltinDatasets.SUPPORT_TICKETS, dir);
    Path model = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2).directory();
    Path out = dir.resolve("out");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code =
        run(
            o,
            e,
            "chip",
            "--model",
            model.toString(),
            "--train",
            data.resolve("train.tsv").toString(),
            "--validation",
            data.resolve("validation.tsv").toString(),
            "--layer",
            "2",
            "--head",
            "linear",
            "--no-early-exit",
            "--threads",
            "1",
            "-o",
            out.toString());
    assertEquals(0, code, e.toString());
    assertTrue(o.toString().contains("chosen layer 2 of 6"), o.toString());
    assertEquals(2, ModelConfig.read(out.resolve("truncated")).numLayers());
    VariantBundle.verify(out.resolve("truncated"));
    assertTrue(Files.isRegularFile(out.resolve("report.html")));
    assertTrue(!Files.exists(out.resolve("early-exit")));
  }

  @Test
  void badInputNamesTheFile(@TempDir Path dir) throws Exception {
    Path train = dir.resolve("train.csv");
    Files.writeString(train, "text,label\n");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code =
        run(
            o,
            e,
            "chip",
            "--model",
            "all-MiniLM-L6-v2",
            "--train",
            train.toString(),
            "-o",
            dir.resolve("out").toString());
    assertTrue(code != 0);
    assertTrue(
        e.toString().contains("train.csv") && e.toString().contains("no rows"), e.toString());
    int both =
        run(
            o,
            e,
            "chip",
            "--model",
            "x",
            "--train",
            train.toString(),
            "--layer",
            "2",
            "--ratio",
            "0.5",
            "-o",
            dir.toString());
    assertEquals(2, both);
  }
}
