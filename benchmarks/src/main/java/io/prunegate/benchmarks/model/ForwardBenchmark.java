package io.prunegate.benchmarks.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.config.ForwardFlops;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Speed of the full bge-small forward against ONNX Runtime on the same padded batches (batch 1 and
 * 32; 64 and 128 tokens), the two runtimes alternating batch by batch so that both see the same
 * machine state. Prints throughput, the ratio ours/ORT, achieved GFLOP/s and a raw matmul's GFLOP/s
 * on the same threads.
 */
public final class ForwardBenchmark {

  /** One shape's result. */
  public record Row(
      int batch,
      int seqLen,
      double oursMs,
      double ortMs,
      double ratio,
      double oursGflops,
      double ortGflops) {}

  /** Benchmark settings. */
  public record Settings(
      int threads, int iterations, int warmup, List<int[]> shapes, boolean fullBatches) {
    public static Settings defaults() {
      return new Settings(
          2,
          20,
          3,
          List.of(new int[] {1, 64}, new int[] {1, 128}, new int[] {32, 64}, new int[] {32, 128}),
          false);
    }
  }

  private ForwardBenchmark() {}

  public static List<Row> run(Settings s, PrintStream out) {
    DefaultModels.Resolved bge = DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15);
    List<Row> rows = new ArrayList<>();
    try (LoadedModel model =
            LoadedModel.load(bge.directory(), new RuntimeOptions("cpu", s.threads(), 1));
        OnnxRuntimePeer ort = new OnnxRuntimePeer(bge.sourceOnnx(), s.threads())) {
      int layers = model.config().numLayers();
      out.printf(
          "bge-small-en-v1.5 forward, %d threads, %d iterations per shape (alternating), %s%n",
          s.threads(),
          s.iterations(),
          s.fullBatches()
              ? "every row full (no padding)"
              : "row lengths uniform in [T/2, T], padded to T");
      out.printf(
          "%6s %6s %10s %10s %9s %9s %9s %11s%n",
          "batch", "tokens", "ours ms", "ORT ms", "ours/s", "ORT/s", "ratio", "GFLOP/s");
      for (int[] shape : s.shapes()) {
        int b = shape[0];
        int t = shape[1];
        List<TokenBatch> batches =
            BenchBatches.make(
                model.tokenizer().orElseThrow(),
                s.iterations() + s.warmup(),
                b,
                t,
                0,
                42,
                s.fullBatches());
        Stopwatch ours = new Stopwatch();
        Stopwatch peer = new Stopwatch();
        for (int i = 0; i < batches.size(); i++) {
          TokenBatch batch = batches.get(i);
          boolean oursFirst = i % 2 == 0;
          long a = 0;
          long c = 0;
          if (oursFirst) {
            a = timeOurs(model, batch, layers);
            c = timeOrt(ort, batch);
          } else {
            c = timeOrt(ort, batch);
            a = timeOurs(model, batch, layers);
          }
          if (i >= s.warmup()) {
            ours.add(a);
            peer.add(c);
          }
        }
        double flops = ForwardFlops.of(model.config(), layers, b, t);
        Row row =
            new Row(
                b,
                t,
                ours.median(),
                peer.median(),
                peer.median() / ours.median(),
                flops / ours.median() / 1e6,
                flops / peer.median() / 1e6);
        rows.add(row);
        out.printf(
            "%6d %6d %10.2f %10.2f %9.1f %9.1f %9.3f %5.1f/%5.1f%n",
            b,
            t,
            row.oursMs(),
            row.ortMs(),
            b * 1000 / row.oursMs(),
            b * 1000 / row.ortMs(),
            row.ratio(),
            row.oursGflops(),
            row.ortGflops());
      }
      double raw = rawMatmulGflops(model, 2048, 384, 1536, 20);
      double square = rawMatmulGflops(model, 1024, 1024, 1024, 10);
      out.printf(
          "raw matmul on the same engine and threads: [2048x384]x[384x1536] %.1f GFLOP/s, [1024^3] %.1f GFLOP/s%n",
          raw, square);
      out.println(
          "ratio = ORT time / our time at the same batch (>1: we are faster); GFLOP/s ours/ORT");
    }
    return rows;
  }

  private static long timeOurs(LoadedModel model, TokenBatch batch, int layers) {
    long t0 = System.nanoTime();
    try (NDManager m = model.newBatchManager()) {
      NDArray h =
          Forward.run(model.transformer(), m, batch, ForwardOptions.full(layers)).finalHidden();
      h.toFloatArray(); // materialise, as ORT does
    }
    return System.nanoTime() - t0;
  }

  private static long timeOrt(OnnxRuntimePeer ort, TokenBatch batch) {
    long t0 = System.nanoTime();
    ort.lastHidden(batch);
    return System.nanoTime() - t0;
  }

  /** GFLOP/s of one [m,k]x[k,n] matmul in the engine, median of {@code reps}. */
  static double rawMatmulGflops(LoadedModel model, int m, int k, int n, int reps) {
    try (NDManager mgr = model.newBatchManager()) {
      NDArray a = mgr.randomNormal(new Shape(m, k));
      NDArray b = mgr.randomNormal(new Shape(k, n));
      Stopwatch sw = new Stopwatch();
      for (int i = 0; i < reps + 2; i++) {
        try (NDManager it = mgr.newSubManager()) {
          NDArray a2 = a.duplicate();
          a2.attach(it);
          long t0 = System.nanoTime();
          NDArray c = a2.matMul(b);
          c.toFloatArray();
          if (i >= 2) {
            sw.add(System.nanoTime() - t0);
          }
        }
      }
      return 2.0 * m * k * n / sw.median() / 1e6;
    }
  }

  public static void main(String[] args) {
    run(Settings.defaults(), System.out);
  }
}
