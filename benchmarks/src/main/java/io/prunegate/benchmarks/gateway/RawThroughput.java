package io.prunegate.benchmarks.gateway;

import io.prunegate.model.classify.TextClassifier;
import java.util.List;

/**
 * The model's own batched throughput: {@code TextClassifier} (tokenize, forward with early exit,
 * chips) on the texts in arrival order, batches of {@code batchSize}, on the calling thread, for at
 * least {@code minSeconds}. The yardstick the gateway's end-to-end throughput is held to.
 */
public final class RawThroughput {

  private RawThroughput() {}

  /** Examples per second. */
  public static double measure(
      TextClassifier classifier, List<String> texts, int batchSize, double minSeconds) {
    // Warm-up: the first batches pay for lazy allocations.
    for (int i = 0; i < 3; i++) {
      classifier.classify(texts.subList(0, Math.min(batchSize, texts.size())));
    }
    long t0 = System.nanoTime();
    long done = 0;
    int at = 0;
    while (System.nanoTime() - t0 < minSeconds * 1e9) {
      int end = Math.min(at + batchSize, texts.size());
      classifier.classify(texts.subList(at, end));
      done += end - at;
      at = end == texts.size() ? 0 : end;
    }
    return done / ((System.nanoTime() - t0) / 1e9);
  }
}
