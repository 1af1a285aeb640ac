package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.runtime.AttentionBlock;
import io.prunegate.model.runtime.FeedForwardBlock;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LanguageModelLoss;
import io.prunegate.model.runtime.LayerWeights;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Projection;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import io.prunegate.model.runtime.Transformer;
import io.prunegate.model.runtime.TransformerWeights;
import io.prunegate.pruner.lora.LoraAdapters;
import io.prunegate.pruner.lora.LoraTrainer;
import io.prunegate.pruner.lora.LossCurve;
import io.prunegate.pruner.lora.TrainingLoss;
import io.prunegate.pruner.progress.ProgressListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LLM-Pruner on one model: scores the dense model, estimates group importance once (the gradient of
 * the task's loss on calibration data), then prunes at any ratio, optionally recovering each
 * variant with LoRA. Decoders are scored by mean LM loss on held-out text, encoders by the accuracy
 * of a last-layer chip trained on the variant's own features (so every variant gets its best frozen
 * head); the chip trained on the dense model is the frozen head of the encoder task loss.
 */
public final class LlmPrunerSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LlmPrunerSession.class);
  private static final int FEATURE_BATCH = 32;

  private final LoadedModel model;
  private final PruningTask task;
  private final LlmPrunerOptions options;
  private final List<Integer> layers;
  private final Transformer denseInference;
  private LabelledBatches trainBatches;
  private LabelledBatches validationBatches;
  private LinearChip denseChip;
  private double denseScore;
  private List<LayerImportance> importance;
  private double importanceSeconds;
  private double calibrationLoss;

  private LlmPrunerSession(LoadedModel model, PruningTask task, LlmPrunerOptions options) {
    this.model = model;
    this.task = task;
    this.options = options;
    this.layers = options.prunedLayers(model.config());
    this.denseInference = LoadedModel.create(model.config(), model.transformer().weights(), false);
  }

  /** Loads {@code modelDir} for training and scores the dense model. */
  public static LlmPrunerSession open(
      Path modelDir,
      PruningTask task,
      LlmPrunerOptions options,
      RuntimeOptions runtime,
      ProgressListener progress) {
    LoadedModel model = LoadedModel.load(modelDir, runtime, true);
    try {
      if (task instanceof PruningTask.LanguageModel
          && model.config().family() != io.prunegate.model.config.ModelFamily.LLAMA) {
        throw new IllegalArgumentException(
            modelDir + ": an LM-loss run needs a decoder, this is " + model.config().modelType());
      }
      LlmPrunerSession s = new LlmPrunerSession(model, task, options);
      s.scoreDense(progress);
      return s;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  private void scoreDense(ProgressListener progress) {
    if (task instanceof PruningTask.Classification c) {
      var tok = model.tokenizer().orElseThrow(() -> noTokenizer());
      TaskData train = c.train();
      trainBatches = LabelledBatches.of(train, tok, FEATURE_BATCH);
      validationBatches = LabelledBatches.of(c.validation(), tok, FEATURE_BATCH);
      float[][] x =
          PooledFeatures.of(
              denseInference,
              model.manager(),
              trainBatches,
              options.pooling(),
              progress.slice(0, 0.7));
      denseChip =
          LastLayerChipTrainer.defaults()
              .train(
                  x,
                  train.labels(),
                  train.labelNames().size(),
                  model.config().numLayers(),
                  model.manager());
      float[][] v =
          PooledFeatures.of(
              denseInference,
              model.manager(),
              validationBatches,
              options.pooling(),
              progress.slice(0.7, 1));
      denseScore = LastLayerChipTrainer.accuracy(denseChip, v, c.validation().labels());
      LOG.info("dense frozen chip accuracy {}", denseScore);
    } else {
      PruningTask.LanguageModel lm = (PruningTask.LanguageModel) task;
      denseScore = lmLoss(denseInference, lm);
      LOG.info("dense LM loss {}", denseScore);
    }
  }

  private IllegalArgumentException noTokenizer() {
    return new IllegalArgumentException(model.directory() + ": no tokenizer.json");
  }

  /** The dense model's score: chip accuracy (encoders) or mean LM loss (decoders). */
  public double denseScore() {
    return denseScore;
  }

  /** Encoders: the frozen last-layer chip of the dense model. */
  public Optional<LinearChip> denseChip() {
    return Optional.ofNullable(denseChip);
  }

  public LoadedModel model() {
    return model;
  }

  public PruningTask task() {
    return task;
  }

  public LlmPrunerOptions options() {
    return options;
  }

  public List<Integer> prunedLayers() {
    return layers;
  }

  /** Group importances of the pruned layers, estimated on first use. */
  public List<LayerImportance> importance(ProgressListener progress) {
    if (importance == null) {
      long t0 = System.nanoTime();
      List<TokenBatch> batches;
      TrainingLoss loss;
      if (task instanceof PruningTask.Classification c) {
        TaskData calib = c.train().head(options.calibrationSamples());
        LabelledBatches lb =
            LabelledBatches.of(calib, model.tokenizer().orElseThrow(), options.batchSize());
        batches = lb.batches();
        loss = new ChipTaskLoss(denseChip.weight(), denseChip.bias(), options.pooling(), lb);
      } else {
        batches = ((PruningTask.LanguageModel) task).calibration().batches(options.batchSize());
        loss = TrainingLoss.languageModel();
      }
      CalibrationGradients.Result g =
          CalibrationGradients.collect(
              model.transformer(),
              layers,
              batches,
              loss,
              options.estimator().needsFisher(),
              progress);
      calibrationLoss = g.meanLoss();
      importance =
          TaylorImportance.of(
              model.config(), g.layers(), options.estimator(), options.aggregation());
      importanceSeconds = (System.nanoTime() - t0) / 1e9;
      LOG.info("importance of {} layers in {} s", layers.size(), importanceSeconds);
    }
    return importance;
  }

  /** Wall time of importance estimation (gradients and scoring). */
  public double importanceSeconds() {
    return importanceSeconds;
  }

  /** Mean calibration loss of the dense model. */
  public double calibrationLoss() {
    return calibrationLoss;
  }

  /**
   * Prunes {@code ratio} of the pruned layers' projection parameters and scores the result, then,
   * with {@code recover}, trains LoRA on it (with the chip head, for encoders), merges the adapters
   * and scores again. Ratio 0 keeps every group (the dense model with the same LoRA budget).
   */
  public PrunedVariant prune(double ratio, boolean recover, ProgressListener progress) {
    List<LayerImportance> imp = importance(progress.slice(0, 0.2));
    NDManager vm = model.manager().newSubManager();
    try {
      long t0 = System.nanoTime();
      PruningPlan plan = PruningPlan.fromImportance(model.config(), imp, ratio);
      StructuredSlicer.Sliced sliced =
          StructuredSlicer.apply(model.config(), model.transformer().weights(), plan, vm);
      double pruneSeconds = (System.nanoTime() - t0) / 1e9;
      PrunedVariant.ParameterCounts counts =
          new PrunedVariant.ParameterCounts(
              model.transformer().weights().parameterCount(),
              sliced.weights().parameterCount(),
              projectionParameters(model.transformer().weights(), layers),
              projectionParameters(sliced.weights(), layers));
      Transformer pruned = LoadedModel.create(sliced.config(), sliced.weights(), false);
      LinearChip chip = null;
      double before;
      double throughput = Double.NaN;
      double denseRate = Double.NaN;
      PruningTask.Classification cls = task instanceof PruningTask.Classification c ? c : null;
      boolean keepsAll = plan.layers().stream().allMatch(p -> keepsAll(p, model.config()));
      if (keepsAll) {
        // nothing removed (ratio 0: the dense model given the LoRA budget): reuse the dense scores
        before = denseScore;
        if (cls != null) {
          NDArray w = denseChip.weight().duplicate();
          NDArray b = denseChip.bias().duplicate();
          w.attach(vm);
          b.attach(vm);
          chip = new LinearChip(denseChip.depth(), w, b);
        }
      } else if (cls != null) {
        float[][] x =
            PooledFeatures.of(
                pruned, vm, trainBatches, options.pooling(), progress.slice(0.2, 0.35));
        chip =
            LastLayerChipTrainer.defaults()
                .train(
                    x,
                    trainLabels(),
                    cls.train().labelNames().size(),
                    sliced.config().numLayers(),
                    vm);
        float[][] v =
            PooledFeatures.of(
                pruned, vm, validationBatches, options.pooling(), progress.slice(0.35, 0.4));
        double[] rates = compareThroughput(pruned, vm);
        denseRate = rates[0];
        throughput = rates[1];
        before = LastLayerChipTrainer.accuracy(chip, v, cls.validation().labels());
      } else {
        before = lmLoss(pruned, (PruningTask.LanguageModel) task);
      }
      LOG.info(
          "ratio {}: {} -> {} parameters, score {}",
          ratio,
          counts.before(),
          counts.after(),
          before);
      if (!recover) {
        return new PrunedVariant(
            ratio,
            plan,
            sliced.config(),
            sliced.weights(),
            Optional.ofNullable(chip),
            counts,
            before,
            Double.NaN,
            Optional.empty(),
            0,
            pruneSeconds,
            throughput,
            denseRate,
            vm);
      }
      TransformerWeights merged;
      LossCurve curve;
      long loraParams;
      try (NDManager loraManager = vm.newSubManager()) {
        LoraAdapters.Attached attached =
            LoraAdapters.attach(sliced.weights(), options.lora(), loraManager);
        loraParams = LoraAdapters.parameterCount(attached.trainable());
        Transformer training = LoadedModel.create(sliced.config(), attached.weights(), true);
        List<NDArray> head = List.of();
        List<TokenBatch> batches;
        TrainingLoss loss;
        NDArray headW = null;
        NDArray headB = null;
        if (cls != null) {
          LabelledBatches lb =
              LabelledBatches.of(
                  cls.recovery(), model.tokenizer().orElseThrow(), options.lora().batchSize());
          headW = chip.weight().duplicate();
          headB = chip.bias().duplicate();
          headW.attach(loraManager);
          headB.attach(loraManager);
          head = List.of(headW, headB);
          batches = lb.batches();
          loss = new ChipTaskLoss(headW, headB, options.pooling(), lb);
        } else {
          PruningTask.LanguageModel lm = (PruningTask.LanguageModel) task;
          batches =
              lm.recovery()
                  .orElseThrow(() -> new IllegalArgumentException("recovery needs a text file"))
                  .batches(options.lora().batchSize());
          loss = TrainingLoss.languageModel();
        }
        curve =
            new LoraTrainer(options.lora())
                .train(
                    training, attached.trainable(), head, batches, loss, progress.slice(0.4, 0.95));
        merged = LoraAdapters.merge(attached.weights(), vm);
        if (cls != null) {
          NDArray w = headW.duplicate();
          NDArray b = headB.duplicate();
          w.attach(vm);
          b.attach(vm);
          chip = new LinearChip(sliced.config().numLayers(), w, b);
        }
      }
      Transformer recovered = LoadedModel.create(sliced.config(), merged, false);
      double after;
      if (cls != null) {
        float[][] v =
            PooledFeatures.of(
                recovered, vm, validationBatches, options.pooling(), progress.slice(0.95, 1));
        after = LastLayerChipTrainer.accuracy(chip, v, cls.validation().labels());
      } else {
        after = lmLoss(recovered, (PruningTask.LanguageModel) task);
      }
      LOG.info("ratio {}: after LoRA score {} ({} s)", ratio, after, curve.seconds());
      return new PrunedVariant(
          ratio,
          plan,
          sliced.config(),
          merged,
          Optional.ofNullable(chip),
          counts,
          before,
          after,
          Optional.of(curve),
          loraParams,
          pruneSeconds,
          throughput,
          denseRate,
          vm);
    } catch (RuntimeException e) {
      vm.close();
      throw e;
    }
  }

  private static boolean keepsAll(LayerPlan p, io.prunegate.model.config.ModelConfig config) {
    var s = config.layer(p.layer());
    return p.keptKvGroups().length == s.kvHeads() && p.keptFfnChannels().length == s.ffnWidth();
  }

  private int[] trainLabels() {
    return ((PruningTask.Classification) task).train().labels();
  }

  /**
   * Examples per second of the dense model and of {@code pruned} on the same validation batches (4
   * batches of 32 spread over the length-sorted split), timed alternately over 3 rounds; each
   * model's best round counts, so that load from other processes affects both alike.
   */
  private double[] compareThroughput(Transformer pruned, NDManager parent) {
    List<TokenBatch> all = validationBatches.batches();
    List<TokenBatch> sample = new java.util.ArrayList<>();
    for (int i = 0; i < 4 && i < all.size(); i++) {
      sample.add(all.get(i * all.size() / Math.min(4, all.size())));
    }
    int examples = sample.stream().mapToInt(TokenBatch::batchSize).sum();
    double best0 = Double.MAX_VALUE;
    double best1 = Double.MAX_VALUE;
    for (int round = 0; round < 3; round++) {
      best0 = Math.min(best0, timeForward(denseInference, sample, parent));
      best1 = Math.min(best1, timeForward(pruned, sample, parent));
    }
    return new double[] {examples / best0, examples / best1};
  }

  private static double timeForward(Transformer t, List<TokenBatch> batches, NDManager parent) {
    long t0 = System.nanoTime();
    for (TokenBatch b : batches) {
      try (NDManager m = parent.newSubManager()) {
        Forward.run(t, m, b, ForwardOptions.toDepth(t.config().numLayers()))
            .residual()
            .toFloatArray();
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private double lmLoss(Transformer t, PruningTask.LanguageModel lm) {
    double sum = 0;
    List<TokenBatch> batches = lm.evaluation().batches(options.batchSize());
    for (TokenBatch b : batches) {
      try (NDManager m = model.newBatchManager()) {
        int n = t.config().numLayers();
        var out = Forward.run(t, m, b, ForwardOptions.full(n).withLogits());
        sum += LanguageModelLoss.mean(m, out.logits(), b).getFloat();
      }
    }
    return sum / batches.size();
  }

  /** Parameters of the attention and FFN projections of {@code layerIndexes}. */
  static long projectionParameters(TransformerWeights w, List<Integer> layerIndexes) {
    long n = 0;
    for (int i : layerIndexes) {
      LayerWeights l = w.layers().get(i);
      AttentionBlock a = l.attention();
      if (a != null) {
        n += size(a.q()) + size(a.k()) + size(a.v()) + size(a.o());
      }
      FeedForwardBlock f = l.ffn();
      if (f != null) {
        n += size(f.gate()) + size(f.up()) + size(f.down());
      }
    }
    return n;
  }

  private static long size(Projection p) {
    return p == null ? 0 : p.weight().size() + (p.bias() == null ? 0 : p.bias().size());
  }

  @Override
  public void close() {
    model.close();
  }
}
