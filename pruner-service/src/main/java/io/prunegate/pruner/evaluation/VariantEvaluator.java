package io.prunegate.pruner.evaluation;

import io.prunegate.model.classify.NonFiniteOutputException;
import io.prunegate.model.classify.Prediction;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.config.ForwardFlops;
import io.prunegate.model.config.ModelConfig;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.LabelledDataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a variant bundle on labelled data, the same way for every compression method: accuracy
 * (with early exit when the bundle has several chips), parameters, FLOPs per token of the layers
 * actually run, and latency at batch 1 and 32 (end to end: tokenization and classification).
 */
public final class VariantEvaluator {

  /** Examples per batch for accuracy and for the batch-32 latency. */
  public static final int BATCH = 32;

  private static final int WARMUP = 3;

  private final RuntimeOptions runtime;
  private final int latencyIterations;

  /**
   * @param runtime where to run the bundle
   * @param latencyIterations timed calls per latency figure (after a short warm-up); 0 skips
   *     latency (the figures are then NaN)
   */
  public VariantEvaluator(RuntimeOptions runtime, int latencyIterations) {
    if (latencyIterations < 0) {
      throw new IllegalArgumentException("latencyIterations must be >= 0");
    }
    this.runtime = runtime;
    this.latencyIterations = latencyIterations;
  }

  /** Loads {@code bundleDir} and evaluates it on {@code data}. */
  public VariantEvaluation evaluate(Path bundleDir, LabelledDataset data) {
    try (TextClassifier classifier = TextClassifier.load(bundleDir, runtime)) {
      return evaluate(classifier, data);
    }
  }

  /**
   * Loads {@code bundleDir} and evaluates it on {@code data}, or rejects it when its outputs are
   * not finite: the classifier refuses a NaN or infinite probability ({@link
   * NonFiniteOutputException}), and a figure the evaluation derives must be finite too, so a
   * corrupt candidate can never be compared, registered or served.
   */
  public CandidateOutcome screen(Path bundleDir, LabelledDataset data) {
    VariantEvaluation e;
    try {
      e = evaluate(bundleDir, data);
    } catch (NonFiniteOutputException nonFinite) {
      return new CandidateOutcome.Rejected("non-finite outputs: " + nonFinite.getMessage());
    }
    // latency figures are NaN on purpose when latency is skipped; these never are
    if (!Double.isFinite(e.accuracy()) || !Double.isFinite(e.flopsPerToken())) {
      return new CandidateOutcome.Rejected(
          "non-finite outputs: accuracy " + e.accuracy() + ", FLOPs/token " + e.flopsPerToken());
    }
    return new CandidateOutcome.Measured(e);
  }

  /** Evaluates an already loaded classifier on {@code data}. */
  public VariantEvaluation evaluate(TextClassifier classifier, LabelledDataset data) {
    int[] expected = expectedIndexes(classifier.labels(), data);
    ModelConfig config = classifier.model().config();
    boolean multi = classifier.chips().chips().size() > 1;
    int correct = 0;
    double depthSum = 0;
    double flopsSum = 0;
    List<String> texts = data.texts();
    for (int start = 0; start < texts.size(); start += BATCH) {
      List<String> batch = texts.subList(start, Math.min(texts.size(), start + BATCH));
      List<Prediction> preds = classifier.classify(batch);
      for (int i = 0; i < preds.size(); i++) {
        Prediction p = preds.get(i);
        if (p.labelIndex() == expected[start + i]) {
          correct++;
        }
        depthSum += p.exitDepth();
        flopsSum += ForwardFlops.of(config, p.exitDepth(), 1, 1);
      }
    }
    int n = texts.size();
    long params =
        classifier.model().transformer().weights().parameterCount()
            + classifier.chips().parameterCount();
    LatencyStats b1 = latency(classifier, texts, 1);
    LatencyStats b32 = latency(classifier, texts, BATCH);
    double throughput = b32.meanMs() > 0 ? BATCH / (b32.meanMs() / 1000.0) : Double.NaN;
    return new VariantEvaluation(
        (double) correct / n,
        params,
        flopsSum / n,
        b1,
        b32,
        throughput,
        multi ? depthSum / n : Double.NaN);
  }

  private LatencyStats latency(TextClassifier classifier, List<String> texts, int batch) {
    if (latencyIterations == 0) {
      return new LatencyStats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    long[] nanos = new long[latencyIterations];
    int cursor = 0;
    int warmup = Math.min(WARMUP, latencyIterations);
    for (int i = 0; i < warmup + latencyIterations; i++) {
      List<String> b = new ArrayList<>(batch);
      for (int k = 0; k < batch; k++) {
        b.add(texts.get(cursor));
        cursor = (cursor + 1) % texts.size();
      }
      long t0 = System.nanoTime();
      classifier.classify(b);
      long dt = System.nanoTime() - t0;
      if (i >= warmup) {
        nanos[i - warmup] = dt;
      }
    }
    return LatencyStats.ofNanos(nanos);
  }

  /** The bundle's label index of each example; fails naming a label the bundle does not know. */
  static int[] expectedIndexes(List<String> bundleLabels, LabelledDataset data) {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < bundleLabels.size(); i++) {
      index.put(bundleLabels.get(i), i);
    }
    int[] mapped = new int[data.labelNames().size()];
    for (int k = 0; k < mapped.length; k++) {
      Integer i = index.get(data.labelNames().get(k));
      if (i == null) {
        throw new IllegalArgumentException(
            data.name()
                + ": label '"
                + data.labelNames().get(k)
                + "' is not one of the bundle's labels "
                + bundleLabels);
      }
      mapped[k] = i;
    }
    int[] out = new int[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = mapped[data.labels().get(i)];
    }
    return out;
  }
}
