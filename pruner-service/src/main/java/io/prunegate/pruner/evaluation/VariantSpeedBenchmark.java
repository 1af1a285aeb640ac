package io.prunegate.pruner.evaluation;

import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Throughput of classifier variants (any bundle with chips: chip-tuning, FinerCut, LLM-Pruner)
 * against the full model on the same batches: every batch is classified by every variant in turn
 * (rotating the order so no variant always runs first), and the ratio of total times full / variant
 * is the throughput ratio. Tokenization is done once up front: the variants share the tokenizer,
 * and the ratio is about the model.
 */
public final class VariantSpeedBenchmark {

  /** Throughput ratios against {@code full} and the total seconds per variant. */
  public record Result(Map<String, Double> ratios, Map<String, Double> seconds, int batches) {}

  private VariantSpeedBenchmark() {}

  /**
   * Runs the benchmark.
   *
   * @param bundles variant bundles by name; must contain {@code full}
   * @param texts texts cut into batches of {@code batchSize}
   * @param warmup batches run before timing
   */
  public static Result run(
      Map<String, Path> bundles,
      List<String> texts,
      int batchSize,
      int warmup,
      RuntimeOptions runtime,
      PrintStream out) {
    if (!bundles.containsKey("full")) {
      throw new IllegalArgumentException("the benchmark needs a 'full' bundle");
    }
    List<String> names = new ArrayList<>(bundles.keySet());
    List<TextClassifier> classifiers = new ArrayList<>();
    try {
      for (String n : names) {
        classifiers.add(TextClassifier.load(bundles.get(n), runtime));
      }
      List<TokenBatch> batches = new ArrayList<>();
      for (int i = 0; i + batchSize <= texts.size(); i += batchSize) {
        batches.add(classifiers.get(0).model().tokenize(texts.subList(i, i + batchSize)));
      }
      long[] nanos = alternate(classifiers, batches, warmup);
      Map<String, Double> seconds = new LinkedHashMap<>();
      Map<String, Double> ratios = new LinkedHashMap<>();
      double full = nanos[names.indexOf("full")];
      int timed = batches.size() - warmup;
      for (int v = 0; v < names.size(); v++) {
        seconds.put(names.get(v), nanos[v] / 1e9);
        ratios.put(names.get(v), full / nanos[v]);
        out.printf(
            "%-12s %7.2f s for %d batches of %d  %8.1f examples/s  throughput ratio vs full %.2f%n",
            names.get(v),
            nanos[v] / 1e9,
            timed,
            batchSize,
            (double) timed * batchSize / (nanos[v] / 1e9),
            full / nanos[v]);
      }
      return new Result(ratios, seconds, timed);
    } finally {
      for (TextClassifier c : classifiers) {
        c.close();
      }
    }
  }

  /**
   * The throughput of {@code candidate} over {@code baseline} (baseline time / candidate time),
   * both loaded side by side and timed in alternating rounds of the same run, so that machine load
   * affects both alike: {@code rounds} batches of {@code batchSize} cut from {@code texts} (cycled
   * when there are fewer), after one warm-up batch each. This is the speedup a job's acceptance
   * uses; absolute throughputs measured one variant at a time swung 2.5x with machine load.
   */
  public static double ratio(
      Path baseline,
      Path candidate,
      List<String> texts,
      int batchSize,
      int rounds,
      RuntimeOptions runtime) {
    if (rounds < 1 || texts.isEmpty()) {
      throw new IllegalArgumentException("need at least one round and one text");
    }
    List<TextClassifier> classifiers = new ArrayList<>();
    try {
      classifiers.add(TextClassifier.load(baseline, runtime));
      classifiers.add(TextClassifier.load(candidate, runtime));
      List<TokenBatch> batches = new ArrayList<>();
      for (int b = 0; b <= rounds; b++) {
        List<String> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
          batch.add(texts.get((b * batchSize + i) % texts.size()));
        }
        batches.add(classifiers.get(0).model().tokenize(batch));
      }
      long[] nanos = alternate(classifiers, batches, 1);
      return (double) nanos[0] / nanos[1];
    } finally {
      classifiers.forEach(TextClassifier::close);
    }
  }

  /**
   * Every batch through every classifier, the order rotating per batch so that none always runs
   * first; the nanoseconds per classifier, the first {@code warmup} batches not counted.
   */
  private static long[] alternate(
      List<TextClassifier> classifiers, List<TokenBatch> batches, int warmup) {
    long[] nanos = new long[classifiers.size()];
    for (int b = 0; b < batches.size(); b++) {
      for (int k = 0; k < classifiers.size(); k++) {
        int v = (b + k) % classifiers.size();
        long t0 = System.nanoTime();
        classifiers.get(v).classify(batches.get(b), true);
        long dt = System.nanoTime() - t0;
        if (b >= warmup) {
          nanos[v] += dt;
        }
      }
    }
    return nanos;
  }

  /**
   * Runs the benchmark from the command line: {@code <data file> full=<dir> name=<dir>...}; texts
   * come from the data file (TSV/CSV/JSONL), batches of 32, engine threads from {@code
   * -Dprunegate.threads} (default 1).
   */
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println(
          "usage: VariantSpeedBenchmark <data file> full=<bundle> [name=<bundle>...]");
      System.exit(2);
    }
    List<String> texts =
        io.prunegate.pruner.data.DatasetReader.read(
                Path.of(args[0]), io.prunegate.pruner.data.DatasetColumns.infer())
            .texts();
    Map<String, Path> bundles = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      String[] kv = args[i].split("=", 2);
      bundles.put(kv[0], Path.of(kv[1]));
    }
    int threads = Integer.getInteger("prunegate.threads", 1);
    run(bundles, texts, 32, 2, new RuntimeOptions("cpu", threads, 1), System.out);
  }

  /** Depths of the chips of a bundle (for printing). */
  static String describe(TextClassifier c) {
    return Arrays.toString(c.chips().chips().stream().mapToInt(x -> x.depth()).toArray());
  }
}
