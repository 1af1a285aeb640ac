package io.prunegate.pruner.llmpruner;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.prunegate.model.chip.LinearChip;
import java.util.Random;

/**
 * Trains a linear chip (multinomial logistic regression) on pooled last-layer features, the frozen
 * head whose cross-entropy is the encoders' task loss. Features are standardised for training and
 * the standardisation folded into the weights, so the chip reads raw pooled states. Full-batch Adam
 * with a small L2 penalty; deterministic for a seed.
 */
public final class LastLayerChipTrainer {

  private final int steps;
  private final float learningRate;
  private final float l2;
  private final long seed;

  public LastLayerChipTrainer(int steps, float learningRate, float l2, long seed) {
    this.steps = steps;
    this.learningRate = learningRate;
    this.l2 = l2;
    this.seed = seed;
  }

  /** 300 full-batch Adam steps at 1e-2, L2 1e-3. */
  public static LastLayerChipTrainer defaults() {
    return new LastLayerChipTrainer(300, 1e-2f, 1e-3f, 7L);
  }

  /** A chip at {@code depth} over {@code features} [n][d]; its arrays belong to {@code out}. */
  public LinearChip train(float[][] features, int[] labels, int classes, int depth, NDManager out) {
    int n = features.length;
    int d = features[0].length;
    double[] mean = new double[d];
    double[] std = new double[d];
    for (float[] f : features) {
      for (int j = 0; j < d; j++) {
        mean[j] += f[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= n;
    }
    for (float[] f : features) {
      for (int j = 0; j < d; j++) {
        std[j] += (f[j] - mean[j]) * (f[j] - mean[j]);
      }
    }
    for (int j = 0; j < d; j++) {
      std[j] = Math.max(Math.sqrt(std[j] / n), 1e-6);
    }
    float[] x = new float[n * d];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) {
        x[i * d + j] = (float) ((features[i][j] - mean[j]) / std[j]);
      }
    }
    float[] w;
    float[] b;
    try (NDManager m = out.newSubManager()) {
      NDArray xs = m.create(x, new Shape(n, d));
      NDArray onehot = m.create(oneHot(labels, classes), new Shape(n, classes));
      Random random = new Random(seed);
      float[] w0 = new float[classes * d];
      for (int i = 0; i < w0.length; i++) {
        w0[i] = (float) (random.nextGaussian() * 0.01);
      }
      NDArray weight = m.create(w0, new Shape(classes, d));
      NDArray bias = m.zeros(new Shape(classes));
      weight.setRequiresGradient(true);
      bias.setRequiresGradient(true);
      Optimizer opt = Adam.builder().optLearningRateTracker(Tracker.fixed(learningRate)).build();
      for (int s = 0; s < steps; s++) {
        try (NDManager step = m.newSubManager();
            GradientCollector gc = m.getEngine().newGradientCollector()) {
          // results follow their first operand's manager: borrow the inputs so that every
          // temporary of this step is freed with it
          for (NDArray a : new NDArray[] {xs, onehot, weight, bias}) {
            a.tempAttach(step);
          }
          NDArray logits = xs.matMul(weight.transpose()).add(bias);
          NDArray loss =
              logits
                  .logSoftmax(1)
                  .mul(onehot)
                  .sum()
                  .neg()
                  .div(n)
                  .add(weight.square().sum().mul(l2));
          gc.backward(loss);
        }
        for (NDArray p : new NDArray[] {weight, bias}) {
          NDArray g = p.getGradient();
          opt.update(p == weight ? "w" : "b", p, g);
          g.subi(g);
          g.close();
        }
      }
      w = weight.toFloatArray();
      b = bias.toFloatArray();
    }
    // fold the standardisation: W' = W / std, b' = b - W' mean
    float[] wf = new float[classes * d];
    float[] bf = new float[classes];
    for (int c = 0; c < classes; c++) {
      double shift = 0;
      for (int j = 0; j < d; j++) {
        wf[c * d + j] = (float) (w[c * d + j] / std[j]);
        shift += wf[c * d + j] * mean[j];
      }
      bf[c] = (float) (b[c] - shift);
    }
    return new LinearChip(depth, out.create(wf, new Shape(classes, d)), out.create(bf));
  }

  /** The chip's accuracy on {@code features}. */
  public static double accuracy(LinearChip chip, float[][] features, int[] labels) {
    float[] w = chip.weight().toFloatArray();
    float[] b = chip.bias().toFloatArray();
    int classes = b.length;
    int d = features[0].length;
    int correct = 0;
    for (int i = 0; i < features.length; i++) {
      int best = 0;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double s = b[c];
        for (int j = 0; j < d; j++) {
          s += w[c * d + j] * (double) features[i][j];
        }
        if (s > bestScore) {
          bestScore = s;
          best = c;
        }
      }
      if (best == labels[i]) {
        correct++;
      }
    }
    return (double) correct / features.length;
  }

  private static float[] oneHot(int[] labels, int classes) {
    float[] o = new float[labels.length * classes];
    for (int i = 0; i < labels.length; i++) {
      o[i * classes + labels[i]] = 1f;
    }
    return o;
  }
}
