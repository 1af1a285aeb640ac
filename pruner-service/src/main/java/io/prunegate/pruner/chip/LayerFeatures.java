package io.prunegate.pruner.chip;

/**
 * Pooled hidden states of a set of texts at every depth: {@code byDepth[d - 1]} holds the [n, dim]
 * row-major features after {@code d} layers. The cache that lets every chip train without another
 * backbone pass.
 *
 * @param byDepth features per depth, index depth - 1
 * @param count number of texts (rows)
 * @param dim feature width (the model's hidden size)
 */
public record LayerFeatures(float[][] byDepth, int count, int dim) {

  public LayerFeatures {
    for (float[] f : byDepth) {
      if (f.length != (long) count * dim) {
        throw new IllegalArgumentException(
            "features of " + f.length + " values for " + count + " x " + dim);
      }
    }
  }

  /** Number of depths (the model's layers). */
  public int depths() {
    return byDepth.length;
  }

  /** The features after {@code depth} layers. */
  public float[] at(int depth) {
    return byDepth[depth - 1];
  }
}
