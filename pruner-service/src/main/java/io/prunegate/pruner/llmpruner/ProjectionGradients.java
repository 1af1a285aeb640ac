package io.prunegate.pruner.llmpruner;

/**
 * One projection's weight with its accumulated loss gradient (and diagonal Fisher), copied off the
 * device as row-major arrays of shape [rows, cols]; the bias and its statistics may be null.
 *
 * @param rows output features
 * @param cols input features
 * @param weight the weight values
 * @param grad dL/dw of the mean calibration loss
 * @param fisher mean squared per-batch gradient, or null when the estimator does not need it
 * @param bias the bias, or null
 * @param biasGrad the bias gradient, or null
 * @param biasFisher the bias Fisher, or null
 */
public record ProjectionGradients(
    int rows,
    int cols,
    float[] weight,
    float[] grad,
    float[] fisher,
    float[] bias,
    float[] biasGrad,
    float[] biasFisher) {

  public ProjectionGradients {
    if (weight.length != (long) rows * cols || grad.length != weight.length) {
      throw new IllegalArgumentException("weight/gradient sizes do not match " + rows + "x" + cols);
    }
  }

  /**
   * Per output row, the estimator's element contributions summed over the row (and its bias
   * element, which leaves with the row).
   */
  double[] rowSums(ImportanceEstimator e) {
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        s += e.element(weight[base + c], grad[base + c], fisher == null ? 0f : fisher[base + c]);
      }
      if (bias != null) {
        s += e.element(bias[r], biasGrad[r], biasFisher == null ? 0f : biasFisher[r]);
      }
      out[r] = s;
    }
    return out;
  }

  /**
   * Per input column, the contributions summed over the column (the bias stays: not per column).
   */
  double[] columnSums(ImportanceEstimator e) {
    double[] out = new double[cols];
    for (int r = 0; r < rows; r++) {
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        out[c] +=
            e.element(weight[base + c], grad[base + c], fisher == null ? 0f : fisher[base + c]);
      }
    }
    return out;
  }
}
