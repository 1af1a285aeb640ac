package io.prunegate.pruner.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.prunegate.pruner.progress.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Trains chips for many layers at once from cached features: every (layer, pooling) pair is one
 * slice of batched [S, ...] tensors, so one matmul advances all chips. Inputs are standardised per
 * slice (the statistics are folded into the first layer afterwards); AdamW with decoupled weight
 * decay on weights, shuffled mini-batches, and early stopping on each slice's validation loss,
 * which keeps each slice's best epoch. Gradients are written out by hand (softmax cross-entropy,
 * ReLU), so no autograd state is involved. Seeds fix initialisation and batch order; on one device
 * with fixed engine threads the result is deterministic. With {@code members > 1} each slice is
 * trained that many times from seeds {@code seed, seed + 1, ...} and the runs are merged into one
 * chip per slice ({@link ChipEnsemble}).
 */
public final class ChipTrainer {

  /**
   * Training settings.
   *
   * @param hidden MLP hidden width
   * @param learningRate AdamW learning rate
   * @param weightDecay AdamW decoupled weight decay (weights only)
   * @param batchSize mini-batch size
   * @param maxEpochs epochs at most
   * @param patience epochs without a validation-loss improvement before a slice stops counting
   */
  public record Settings(
      int hidden,
      double learningRate,
      double weightDecay,
      int batchSize,
      int maxEpochs,
      int patience) {

    /** Hidden 256, lr 1e-3, weight decay 0.01, batches of 64, at most 30 epochs, patience 3. */
    public static Settings defaults() {
      return new Settings(256, 1e-3, 0.01, 64, 30, 3);
    }
  }

  /**
   * The result per slice, in input order.
   *
   * @param chips the trained chips (standardisation folded in)
   * @param validationLoss validation loss at each slice's kept epoch (of the merged chip for an
   *     ensemble)
   * @param validationAccuracy validation accuracy at that epoch (of the merged chip for an
   *     ensemble)
   * @param bestEpoch the kept epoch (1-based; the latest over an ensemble's members)
   * @param epochs epochs run (the most over an ensemble's members)
   */
  public record Trained(
      List<ChipWeights> chips,
      double[] validationLoss,
      double[] validationAccuracy,
      int[] bestEpoch,
      int epochs) {}

  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPS = 1e-8;

  private final ChipKind kind;
  private final Settings settings;
  private final long baseSeed;
  private final int members;

  /** A trainer of single chips (no ensemble). */
  public ChipTrainer(ChipKind kind, Settings settings, long seed) {
    this(kind, settings, seed, 1);
  }

  /** A trainer whose chips are ensembles of {@code members} seeds (1 = single chips). */
  public ChipTrainer(ChipKind kind, Settings settings, long seed, int members) {
    if (members < 1) {
      throw new IllegalArgumentException("ensemble members must be >= 1, got " + members);
    }
    this.kind = kind;
    this.settings = settings;
    this.baseSeed = seed;
    this.members = members;
  }

  /**
   * Trains one chip per slice.
   *
   * @param manager where tensors live during training (closed sub-managers only; nothing is left)
   * @param depths the depth each slice reads (seeds the slice's initialisation)
   * @param train training features per slice, each [n, dim]
   * @param trainLabels labels of the n training rows
   * @param validation validation features per slice, each [nv, dim]
   * @param validationLabels labels of the nv validation rows
   * @param classes number of classes
   * @param dim feature width
   */
  public Trained train(
      NDManager manager,
      int[] depths,
      List<float[]> train,
      int[] trainLabels,
      List<float[]> validation,
      int[] validationLabels,
      int classes,
      int dim,
      ProgressListener progress) {
    List<Trained> runs = new ArrayList<>();
    for (int k = 0; k < members; k++) {
      runs.add(
          trainOne(
              baseSeed + k,
              manager,
              depths,
              train,
              trainLabels,
              validation,
              validationLabels,
              classes,
              dim,
              progress.slice((double) k / members, (double) (k + 1) / members)));
    }
    if (members == 1) {
      return runs.get(0);
    }
    int s = depths.length;
    List<ChipWeights> merged = new ArrayList<>();
    double[] loss = new double[s];
    double[] acc = new double[s];
    int[] bestEpoch = new int[s];
    int nv = validationLabels.length;
    for (int i = 0; i < s; i++) {
      List<ChipWeights> slice = new ArrayList<>();
      for (Trained t : runs) {
        slice.add(t.chips().get(i));
        bestEpoch[i] = Math.max(bestEpoch[i], t.bestEpoch()[i]);
      }
      ChipWeights chip = ChipEnsemble.merge(slice);
      merged.add(chip);
      float[] p = chip.probabilities(validation.get(i), nv);
      for (int r = 0; r < nv; r++) {
        loss[i] -= Math.log(Math.max(p[r * classes + validationLabels[r]], 1e-12f)) / nv;
      }
      acc[i] = ChipTuner.accuracy(p, validationLabels, classes);
    }
    int epochs = runs.stream().mapToInt(Trained::epochs).max().orElseThrow();
    return new Trained(merged, loss, acc, bestEpoch, epochs);
  }

  private Trained trainOne(
      long seed,
      NDManager manager,
      int[] depths,
      List<float[]> train,
      int[] trainLabels,
      List<float[]> validation,
      int[] validationLabels,
      int classes,
      int dim,
      ProgressListener progress) {
    int s = depths.length;
    int n = trainLabels.length;
    int nv = validationLabels.length;
    boolean mlp = kind == ChipKind.MLP;
    int h = mlp ? settings.hidden() : classes;
    float[][] mean = new float[s][dim];
    float[][] std = new float[s][dim];
    float[] xs = new float[s * n * dim];
    float[] xv = new float[s * nv * dim];
    for (int i = 0; i < s; i++) {
      standardStats(train.get(i), n, dim, mean[i], std[i]);
      standardize(train.get(i), n, dim, mean[i], std[i], xs, i * n * dim);
      standardize(validation.get(i), nv, dim, mean[i], std[i], xv, i * nv * dim);
    }
    try (NDManager m = manager.newSubManager()) {
      NDArray xVal = m.create(xv, new Shape(s, nv, dim));
      NDArray yVal = m.create(oneHot(validationLabels, classes), new Shape(1, nv, classes));
      List<Param> params = new ArrayList<>();
      Param w1 = new Param(m, init(seed, depths, dim, dim, h), new Shape(s, dim, h), true);
      Param b1 = new Param(m, init(seed, depths, dim, 1, h), new Shape(s, 1, h), false);
      params.add(w1);
      params.add(b1);
      Param w2 = null;
      Param b2 = null;
      if (mlp) {
        w2 = new Param(m, init(seed, depths, h, h, classes), new Shape(s, h, classes), true);
        b2 = new Param(m, init(seed, depths, h, 1, classes), new Shape(s, 1, classes), false);
        params.add(w2);
        params.add(b2);
      }
      double[] bestLoss = new double[s];
      double[] bestAcc = new double[s];
      int[] bestEpoch = new int[s];
      Arrays.fill(bestLoss, Double.POSITIVE_INFINITY);
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      Random shuffle = new Random(seed);
      int step = 0;
      int epoch = 0;
      int bs = settings.batchSize();
      float[] xb = new float[s * bs * dim];
      while (epoch < settings.maxEpochs()) {
        epoch++;
        shuffleInPlace(order, shuffle);
        for (int from = 0; from < n; from += bs) {
          int b = Math.min(bs, n - from);
          step++;
          float[] xbuf = b == bs ? xb : new float[s * b * dim];
          int[] yb = new int[b];
          for (int i = 0; i < s; i++) {
            for (int r = 0; r < b; r++) {
              System.arraycopy(xs, (i * n + order[from + r]) * dim, xbuf, (i * b + r) * dim, dim);
            }
          }
          for (int r = 0; r < b; r++) {
            yb[r] = trainLabels[order[from + r]];
          }
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.create(xbuf, new Shape(s, b, dim));
            NDArray y = sm.create(oneHot(yb, classes), new Shape(1, b, classes));
            if (mlp) {
              NDArray pre = x.matMul(w1.value).add(b1.value);
              NDArray mask = pre.gt(0).toType(DataType.FLOAT32, false);
              NDArray hid = pre.mul(mask);
              NDArray z = hid.matMul(w2.value).add(b2.value);
              NDArray g = z.softmax(-1).sub(y).div(b);
              w2.update(sm, hid.transpose(0, 2, 1).matMul(g), step);
              b2.update(sm, g.sum(new int[] {1}, true), step);
              NDArray w2t = w2.value.transpose(0, 2, 1);
              w2t.attach(sm);
              NDArray dh = g.matMul(w2t).mul(mask);
              w1.update(sm, x.transpose(0, 2, 1).matMul(dh), step);
              b1.update(sm, dh.sum(new int[] {1}, true), step);
            } else {
              NDArray z = x.matMul(w1.value).add(b1.value);
              NDArray g = z.softmax(-1).sub(y).div(b);
              w1.update(sm, x.transpose(0, 2, 1).matMul(g), step);
              b1.update(sm, g.sum(new int[] {1}, true), step);
            }
          }
        }
        double[][] eval = evaluate(m, xVal, yVal, validationLabels, w1, b1, w2, b2);
        float[] improved = new float[s];
        int stalled = 0;
        for (int i = 0; i < s; i++) {
          if (eval[0][i] < bestLoss[i] - 1e-4) {
            bestLoss[i] = eval[0][i];
            bestAcc[i] = eval[1][i];
            bestEpoch[i] = epoch;
            improved[i] = 1;
          } else if (epoch - bestEpoch[i] >= settings.patience()) {
            stalled++;
          }
        }
        try (NDManager sm = m.newSubManager()) {
          NDArray keep = sm.create(improved, new Shape(s, 1, 1));
          for (Param p : params) {
            p.keepBest(sm, keep);
          }
        }
        progress.update(
            (double) epoch / settings.maxEpochs(),
            String.format(
                "chips epoch %d, best val loss %.4f",
                epoch, Arrays.stream(bestLoss).min().orElse(Double.NaN)));
        if (stalled == s) {
          break;
        }
      }
      progress.update(1, "chips trained in " + epoch + " epochs");
      List<ChipWeights> chips =
          fold(
              depths,
              dim,
              h,
              classes,
              mean,
              std,
              w1.best(),
              b1.best(),
              mlp ? w2.best() : null,
              mlp ? b2.best() : null);
      return new Trained(chips, bestLoss, bestAcc, bestEpoch, epoch);
    }
  }

  /** {loss[s], accuracy[s]} of the current parameters on validation. */
  private double[][] evaluate(
      NDManager m,
      NDArray xVal,
      NDArray yVal,
      int[] labels,
      Param w1,
      Param b1,
      Param w2,
      Param b2) {
    try (NDManager sm = m.newSubManager()) {
      NDArray x = xVal.duplicate();
      x.attach(sm);
      NDArray z = x.matMul(w1.value).add(b1.value);
      if (w2 != null) {
        z = z.maximum(0f).matMul(w2.value).add(b2.value);
      }
      NDArray logp = z.logSoftmax(-1);
      float[] loss = logp.mul(yVal).sum(new int[] {2}).mean(new int[] {1}).neg().toFloatArray();
      long[] pred = z.argMax(-1).toLongArray();
      int s = loss.length;
      int nv = labels.length;
      double[][] out = new double[2][s];
      for (int i = 0; i < s; i++) {
        out[0][i] = loss[i];
        int correct = 0;
        for (int r = 0; r < nv; r++) {
          if (pred[i * nv + r] == labels[r]) {
            correct++;
          }
        }
        out[1][i] = (double) correct / nv;
      }
      return out;
    }
  }

  /** Folds standardisation into the first layer and transposes to PyTorch layout. */
  private List<ChipWeights> fold(
      int[] depths,
      int dim,
      int h,
      int classes,
      float[][] mean,
      float[][] std,
      float[] w1,
      float[] b1,
      float[] w2,
      float[] b2) {
    List<ChipWeights> out = new ArrayList<>();
    for (int i = 0; i < depths.length; i++) {
      float[] fw1 = new float[h * dim];
      float[] fb1 = new float[h];
      int wo = i * dim * h;
      for (int j = 0; j < h; j++) {
        double bias = b1[i * h + j];
        for (int k = 0; k < dim; k++) {
          float w = w1[wo + k * h + j];
          fw1[j * dim + k] = w / std[i][k];
          bias -= (double) mean[i][k] / std[i][k] * w;
        }
        fb1[j] = (float) bias;
      }
      if (w2 == null) {
        out.add(new ChipWeights(ChipKind.LINEAR, depths[i], dim, 0, classes, fw1, fb1, null, null));
      } else {
        float[] fw2 = new float[classes * h];
        float[] fb2 = new float[classes];
        for (int c = 0; c < classes; c++) {
          for (int j = 0; j < h; j++) {
            fw2[c * h + j] = w2[i * h * classes + j * classes + c];
          }
          fb2[c] = b2[i * classes + c];
        }
        out.add(new ChipWeights(ChipKind.MLP, depths[i], dim, h, classes, fw1, fb1, fw2, fb2));
      }
    }
    return out;
  }

  /** PyTorch's default init: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), one seeded stream per depth. */
  private static float[] init(long seed, int[] depths, int fanIn, int rows, int cols) {
    float[] out = new float[depths.length * rows * cols];
    double bound = 1.0 / Math.sqrt(fanIn);
    for (int i = 0; i < depths.length; i++) {
      Random r = new Random(seed * 1_000_003L + depths[i] * 7919L + (long) rows * cols);
      for (int k = 0; k < rows * cols; k++) {
        out[i * rows * cols + k] = (float) ((r.nextDouble() * 2 - 1) * bound);
      }
    }
    return out;
  }

  private static void standardStats(float[] x, int n, int dim, float[] mean, float[] std) {
    double[] sum = new double[dim];
    double[] sq = new double[dim];
    for (int r = 0; r < n; r++) {
      for (int k = 0; k < dim; k++) {
        double v = x[r * dim + k];
        sum[k] += v;
        sq[k] += v * v;
      }
    }
    for (int k = 0; k < dim; k++) {
      double mu = sum[k] / n;
      double var = Math.max(0, sq[k] / n - mu * mu);
      mean[k] = (float) mu;
      // The floor keeps constant features finite; they then contribute nothing.
      std[k] = (float) Math.sqrt(var + 1e-6);
    }
  }

  private static void standardize(
      float[] x, int n, int dim, float[] mean, float[] std, float[] out, int offset) {
    for (int r = 0; r < n; r++) {
      for (int k = 0; k < dim; k++) {
        out[offset + r * dim + k] = (x[r * dim + k] - mean[k]) / std[k];
      }
    }
  }

  private static float[] oneHot(int[] labels, int classes) {
    float[] y = new float[labels.length * classes];
    for (int r = 0; r < labels.length; r++) {
      y[r * classes + labels[r]] = 1f;
    }
    return y;
  }

  private static void shuffleInPlace(int[] a, Random r) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** A parameter with its AdamW moments and its best-epoch copy. */
  private final class Param {
    final NDArray value;
    final NDArray m1;
    final NDArray m2;
    final NDArray bestValue;
    final boolean decay;

    Param(NDManager m, float[] init, Shape shape, boolean decay) {
      this.value = m.create(init, shape);
      this.m1 = m.zeros(shape);
      this.m2 = m.zeros(shape);
      this.bestValue = value.duplicate();
      this.decay = decay;
    }

    /** One AdamW step; temporaries live in {@code sm}. */
    void update(NDManager sm, NDArray grad, int step) {
      double lr = settings.learningRate();
      m1.muli(BETA1).addi(grad.mul(1 - BETA1));
      m2.muli(BETA2).addi(grad.square().mul(1 - BETA2));
      double c1 = 1 - Math.pow(BETA1, step);
      double c2 = 1 - Math.pow(BETA2, step);
      NDArray mHat = m1.div(c1);
      mHat.attach(sm);
      NDArray vHat = m2.div(c2);
      vHat.attach(sm);
      if (decay) {
        value.muli(1 - lr * settings.weightDecay());
      }
      value.subi(mHat.div(vHat.sqrt().add(EPS)).mul(lr));
    }

    /** Copies the current value into the best copy where {@code keep} (per slice) is 1. */
    void keepBest(NDManager sm, NDArray keep) {
      NDArray current = value.mul(keep);
      current.attach(sm);
      bestValue.muli(keep.neg().add(1)).addi(current);
    }

    float[] best() {
      return bestValue.toFloatArray();
    }
  }
}
