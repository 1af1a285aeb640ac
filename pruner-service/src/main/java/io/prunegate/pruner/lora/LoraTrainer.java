package io.prunegate.pruner.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains LoRA adapters (and optionally a task head) with DJL autograd and Adam: each step
 * differentiates the loss of one batch in its own manager, updates the trainable arrays in place
 * and clears their gradients. The base weights stay frozen (they do not require gradients).
 */
public final class LoraTrainer {

  private static final Logger LOG = LoggerFactory.getLogger(LoraTrainer.class);

  private final LoraOptions options;

  public LoraTrainer(LoraOptions options) {
    this.options = options;
  }

  /**
   * Trains {@code adapters} (at the LoRA learning rate) and {@code head} (at the head learning
   * rate, may be empty) to minimise {@code loss} on {@code batches}, shuffled every epoch. {@code
   * model} must be a training-mode transformer over the adapted weights.
   */
  public LossCurve train(
      Transformer model,
      List<NDArray> adapters,
      List<NDArray> head,
      List<TokenBatch> batches,
      TrainingLoss loss,
      ProgressListener progress) {
    if (!model.training()) {
      throw new IllegalArgumentException("LoRA training needs a transformer loaded for training");
    }
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("no training batches");
    }
    for (NDArray h : head) {
      h.setRequiresGradient(true);
    }
    Optimizer adapterOpt =
        Adam.builder().optLearningRateTracker(Tracker.fixed(options.learningRate())).build();
    Optimizer headOpt =
        Adam.builder().optLearningRateTracker(Tracker.fixed(options.headLearningRate())).build();
    NDManager anchor = model.weights().embeddings().tokens().getManager();
    Random random = new Random(options.seed());
    // Dropout draws from the engine's generator: seeded here so that the seed fixes the whole run
    // (LoraMergeTest's loss went to NaN only after other tests had moved the generator).
    ai.djl.engine.Engine.getInstance().setRandomSeed(Long.hashCode(options.seed()));
    int total =
        options.maxSteps() > 0
            ? Math.min(options.maxSteps(), options.epochs() * batches.size())
            : options.epochs() * batches.size();
    List<Double> steps = new ArrayList<>();
    List<Double> epochMeans = new ArrayList<>();
    long start = System.nanoTime();
    int step = 0;
    int skipped = 0;
    for (int epoch = 0; epoch < options.epochs() && step < total; epoch++) {
      List<TokenBatch> order = new ArrayList<>(batches);
      Collections.shuffle(order, random);
      double sum = 0;
      int n = 0;
      for (TokenBatch batch : order) {
        if (step >= total) {
          break;
        }
        double value;
        try (NDManager m = anchor.newSubManager();
            GradientCollector gc = anchor.getEngine().newGradientCollector()) {
          NDArray l = loss.compute(model, m, batch);
          value = l.getFloat();
          gc.backward(l);
        }
        if (Double.isFinite(value) && finite(adapters) && finite(head)) {
          update(adapterOpt, "lora", adapters);
          update(headOpt, "head", head);
        } else {
          // One non-finite step (an overflow on some batch) would make every weight NaN for good:
          // skip it, keep the weights as they were (LlmPrunerSst2QualityTest once collapsed so).
          clear(adapters);
          clear(head);
          skipped++;
        }
        steps.add(value);
        sum += value;
        n++;
        step++;
        progress.update(
            (double) step / total, String.format("LoRA step %d/%d loss %.4f", step, total, value));
      }
      epochMeans.add(sum / Math.max(1, n));
      LOG.debug("LoRA epoch {}: mean loss {}", epoch + 1, sum / Math.max(1, n));
    }
    if (skipped > 0) {
      LOG.warn(
          "LoRA: {} of {} steps had a non-finite loss or gradient and were skipped", skipped, step);
    }
    return new LossCurve(steps, epochMeans, (System.nanoTime() - start) / 1e9);
  }

  private static boolean finite(List<NDArray> params) {
    for (NDArray p : params) {
      // every intermediate closed here: they would otherwise live on the parameter's manager for
      // the whole training, four arrays per adapter per step
      boolean bad;
      try (NDArray g = p.getGradient();
          NDArray nan = g.isNaN();
          NDArray inf = g.isInfinite();
          NDArray either = nan.logicalOr(inf);
          NDArray any = either.any()) {
        bad = any.getBoolean();
      }
      if (bad) {
        return false;
      }
    }
    return true;
  }

  /**
   * Zeroes the gradients in place by an indexed fill (subtracting a NaN gradient from itself leaves
   * NaN). Not by {@code copyTo}/{@code set(Buffer)}: DJL's PyTorch {@code set} makes the tensor's
   * storage the Java buffer itself, without copying or owning it, so the next backward wrote into
   * freed memory ("free(): invalid next size" aborts in the LoRA quality test and the demo).
   */
  private static void clear(List<NDArray> params) {
    for (NDArray p : params) {
      try (NDArray g = p.getGradient();
          NDArray zero = g.getManager().create(0f).toType(g.getDataType(), false)) {
        g.set(new NDIndex("..."), zero);
      }
    }
  }

  private static void update(Optimizer opt, String prefix, List<NDArray> params) {
    for (int i = 0; i < params.size(); i++) {
      NDArray p = params.get(i);
      NDArray g = p.getGradient();
      opt.update(prefix + i, p, g);
      g.subi(g); // PyTorch accumulates gradients: clear them for the next step
      g.close();
    }
  }
}
