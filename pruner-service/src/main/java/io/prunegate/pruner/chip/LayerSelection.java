package io.prunegate.pruner.chip;

import java.util.List;

/**
 * How the layer a variant keeps is chosen from the chip-tuning curve: the shallowest layer within a
 * tolerance of the best (default), a fixed layer, or the layer giving a target pruning ratio.
 */
public sealed interface LayerSelection {

  /** The chosen depth (1..L) for a curve over depths 1..L. */
  int select(List<LayerAccuracy> curve);

  /** A short description for manifests and reports. */
  String describe();

  /** The default: shallowest layer within 1.0 point of the best. */
  static LayerSelection defaults() {
    return new Shallowest(1.0);
  }

  /**
   * The shallowest layer whose validation accuracy is within {@code tolerancePoints} (percentage
   * points) of the best layer's.
   */
  record Shallowest(double tolerancePoints) implements LayerSelection {
    public Shallowest {
      if (!(tolerancePoints >= 0)) {
        throw new IllegalArgumentException("tolerance must be >= 0 points, got " + tolerancePoints);
      }
    }

    @Override
    public int select(List<LayerAccuracy> curve) {
      double best =
          curve.stream().mapToDouble(LayerAccuracy::validationAccuracy).max().orElseThrow();
      // A tiny epsilon so that an accuracy exactly at the boundary is not lost to rounding.
      double floor = best - tolerancePoints / 100.0 - 1e-9;
      return curve.stream()
          .filter(a -> a.validationAccuracy() >= floor)
          .mapToInt(LayerAccuracy::depth)
          .min()
          .orElseThrow();
    }

    @Override
    public String describe() {
      return "shallowest within " + tolerancePoints + " points of the best";
    }
  }

  /** Exactly {@code layer} layers. */
  record Fixed(int layer) implements LayerSelection {
    public Fixed {
      if (layer < 1) {
        throw new IllegalArgumentException("layer must be >= 1, got " + layer);
      }
    }

    @Override
    public int select(List<LayerAccuracy> curve) {
      if (layer > curve.size()) {
        throw new IllegalArgumentException(
            "layer " + layer + " asked for, the model has " + curve.size() + " layers");
      }
      return layer;
    }

    @Override
    public String describe() {
      return "fixed layer " + layer;
    }
  }

  /**
   * Removes (at least) the fraction {@code ratio} of the layers: keeps {@code floor(L * (1 -
   * ratio))} layers, never fewer than one.
   */
  record TargetRatio(double ratio) implements LayerSelection {
    public TargetRatio {
      if (!(ratio >= 0 && ratio < 1)) {
        throw new IllegalArgumentException("ratio must be in [0, 1), got " + ratio);
      }
    }

    @Override
    public int select(List<LayerAccuracy> curve) {
      int layers = curve.size();
      return Math.max(1, (int) Math.floor(layers * (1 - ratio) + 1e-9));
    }

    @Override
    public String describe() {
      return "remove " + Math.round(ratio * 100) + "% of the layers";
    }
  }
}
