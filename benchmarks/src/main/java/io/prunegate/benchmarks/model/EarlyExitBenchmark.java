package io.prunegate.benchmarks.model;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.io.PrintStream;
import java.util.List;

/**
 * Cost of stopping after layer 6 of bge-small's 12 against the full forward, on the same batches,
 * alternating: the time ratio full / exit-6 (about 2 when early exit is real).
 */
public final class EarlyExitBenchmark {

  /** The measured medians and their ratio. */
  public record Result(double fullMs, double exitMs, int exitDepth, double ratio) {}

  private EarlyExitBenchmark() {}

  public static Result run(int threads, int iterations, int batch, int seqLen, PrintStream out) {
    DefaultModels.Resolved bge = DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15);
    try (LoadedModel model =
        LoadedModel.load(bge.directory(), new RuntimeOptions("cpu", threads, 1))) {
      int layers = model.config().numLayers();
      int exit = layers / 2;
      List<TokenBatch> batches =
          BenchBatches.make(model.tokenizer().orElseThrow(), iterations + 3, batch, seqLen, 0, 7);
      Stopwatch full = new Stopwatch();
      Stopwatch early = new Stopwatch();
      for (int i = 0; i < batches.size(); i++) {
        long f = time(model, batches.get(i), ForwardOptions.full(layers));
        long e = time(model, batches.get(i), ForwardOptions.toDepth(exit));
        if (i >= 3) {
          full.add(f);
          early.add(e);
        }
      }
      Result r = new Result(full.median(), early.median(), exit, full.median() / early.median());
      out.printf(
          "early exit, bge-small %dx%d, %d threads: full %d layers %.1f ms, exit after %d %.1f ms,"
              + " ratio full/exit = %.2f%n",
          batch, seqLen, threads, layers, r.fullMs(), exit, r.exitMs(), r.ratio());
      return r;
    }
  }

  private static long time(LoadedModel model, TokenBatch batch, ForwardOptions options) {
    long t0 = System.nanoTime();
    try (NDManager m = model.newBatchManager()) {
      var o = Forward.run(model.transformer(), m, batch, options);
      (o.finalHidden() != null ? o.finalHidden() : o.residual()).toFloatArray();
    }
    return System.nanoTime() - t0;
  }

  public static void main(String[] args) {
    run(2, 20, 32, 64, System.out);
  }
}
