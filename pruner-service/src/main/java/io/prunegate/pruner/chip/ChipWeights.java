package io.prunegate.pruner.chip;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.chip.LinearChip;
import io.prunegate.model.chip.MlpChip;

/**
 * A trained chip as plain arrays, input standardisation already folded into the first layer, in
 * PyTorch layout ({@code weight[out][in]} row-major). Linear chips use {@code w1}/{@code b1} only.
 *
 * @param kind linear or MLP
 * @param depth layers run before the chip reads
 * @param inputDim feature width
 * @param hidden MLP hidden width (0 for linear)
 * @param classes number of classes
 * @param w1 first (or only) weight, [hidden or classes, inputDim]
 * @param b1 its bias
 * @param w2 MLP output weight [classes, hidden], null for linear
 * @param b2 its bias, null for linear
 */
public record ChipWeights(
    ChipKind kind,
    int depth,
    int inputDim,
    int hidden,
    int classes,
    float[] w1,
    float[] b1,
    float[] w2,
    float[] b2) {

  /** Class probabilities [n, classes] of {@code n} feature rows [n, inputDim]. */
  public float[] probabilities(float[] x, int n) {
    float[] out = new float[n * classes];
    int first = kind == ChipKind.MLP ? hidden : classes;
    float[] h = new float[first];
    float[] z = new float[classes];
    for (int r = 0; r < n; r++) {
      int xo = r * inputDim;
      for (int j = 0; j < first; j++) {
        int wo = j * inputDim;
        float s = 0;
        for (int k = 0; k < inputDim; k++) {
          s += w1[wo + k] * x[xo + k];
        }
        h[j] = s + b1[j];
      }
      if (kind == ChipKind.MLP) {
        for (int c = 0; c < classes; c++) {
          float s = b2[c];
          int wo = c * hidden;
          for (int j = 0; j < hidden; j++) {
            s += w2[wo + j] * Math.max(0f, h[j]);
          }
          z[c] = s;
        }
      } else {
        System.arraycopy(h, 0, z, 0, classes);
      }
      float max = Float.NEGATIVE_INFINITY;
      for (float v : z) {
        max = Math.max(max, v);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[c] - max);
      }
      for (int c = 0; c < classes; c++) {
        out[r * classes + c] = (float) (Math.exp(z[c] - max) / sum);
      }
    }
    return out;
  }

  /** The chip as model-core NDArrays in {@code manager}. */
  public Chip toChip(NDManager manager) {
    if (kind == ChipKind.LINEAR) {
      return new LinearChip(
          depth,
          manager.create(w1, new Shape(classes, inputDim)),
          manager.create(b1, new Shape(classes)));
    }
    return new MlpChip(
        depth,
        manager.create(w1, new Shape(hidden, inputDim)),
        manager.create(b1, new Shape(hidden)),
        manager.create(w2, new Shape(classes, hidden)),
        manager.create(b2, new Shape(classes)));
  }

  /** Number of parameters. */
  public long parameterCount() {
    return (long) w1.length + b1.length + (w2 == null ? 0 : w2.length + b2.length);
  }
}
