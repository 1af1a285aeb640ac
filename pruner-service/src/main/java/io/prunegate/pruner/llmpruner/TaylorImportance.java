package io.prunegate.pruner.llmpruner;

import io.prunegate.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Turns calibration gradients into per-group importances of every scored layer. */
public final class TaylorImportance {

  private TaylorImportance() {}

  /** The importances of the layers in {@code gradients}, in layer order. */
  public static List<LayerImportance> of(
      ModelConfig config,
      Map<Integer, LayerGradients> gradients,
      ImportanceEstimator estimator,
      GroupAggregation aggregation) {
    List<LayerImportance> out = new ArrayList<>();
    gradients.keySet().stream()
        .sorted()
        .forEach(
            layer -> {
              LayerGradients g = gradients.get(layer);
              double[] attention =
                  g.q() == null
                      ? new double[0]
                      : GroupImportance.attention(
                          config.layer(layer),
                          config.headDim(),
                          g.q(),
                          g.k(),
                          g.v(),
                          g.o(),
                          estimator,
                          aggregation);
              double[] ffn =
                  g.up() == null
                      ? new double[0]
                      : GroupImportance.feedForward(
                          g.gate(), g.up(), g.down(), estimator, aggregation);
              out.add(new LayerImportance(layer, attention, ffn));
            });
    return out;
  }
}
