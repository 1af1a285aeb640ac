package io.prunegate.pruner.llmpruner;

import io.prunegate.model.config.LayerStructure;
import io.prunegate.model.config.ModelConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The groups each pruned layer keeps; layers not listed stay as they are. {@link #fromImportance}
 * applies the same ratio to every pruned layer: {@code ratio} of the layer's projection parameters
 * go, first as whole kv groups ({@code round(ratio * kvHeads)}, at least one kept), the rest as the
 * least important FFN channels.
 */
public record PruningPlan(List<LayerPlan> layers) {

  public PruningPlan {
    layers = List.copyOf(layers);
  }

  /** Keeps the most important groups of each layer in {@code importances}. */
  public static PruningPlan fromImportance(
      ModelConfig config, List<LayerImportance> importances, double ratio) {
    if (!(ratio >= 0 && ratio < 1)) {
      throw new IllegalArgumentException("pruning ratio must be in [0, 1), got " + ratio);
    }
    List<LayerPlan> plans = new ArrayList<>();
    for (LayerImportance imp : importances) {
      LayerStructure s = config.layer(imp.layer());
      long groupParams = kvGroupParameters(config, s);
      long channelParams = ffnChannelParameters(config);
      long total = groupParams * s.kvHeads() + channelParams * s.ffnWidth();
      int dropGroups =
          s.hasAttention() ? (int) Math.min(s.kvHeads() - 1, Math.round(ratio * s.kvHeads())) : 0;
      double rest = ratio * total - (double) dropGroups * groupParams;
      int dropChannels =
          s.hasFfn()
              ? (int) Math.max(0, Math.min(s.ffnWidth() - 1, Math.round(rest / channelParams)))
              : 0;
      plans.add(
          new LayerPlan(
              imp.layer(),
              keepTop(imp.kvGroups(), s.kvHeads() - dropGroups),
              keepTop(imp.ffnChannels(), s.ffnWidth() - dropChannels)));
    }
    return new PruningPlan(plans);
  }

  /** Parameters of one kv group: its query heads' q rows and o columns, k and v rows, biases. */
  public static long kvGroupParameters(ModelConfig config, LayerStructure s) {
    if (!s.hasAttention()) {
      return 0;
    }
    long hd = config.headDim();
    long d = config.hiddenSize();
    long perGroup = s.attentionHeads() / s.kvHeads();
    long params = perGroup * hd * d * 2 + 2 * hd * d;
    if (config.qkvBias()) {
      params += (perGroup + 2) * hd;
    }
    return params;
  }

  /** Parameters of one FFN channel: gate and up rows (BERT: up row and bias), down column. */
  public static long ffnChannelParameters(ModelConfig config) {
    long d = config.hiddenSize();
    return config.family() == io.prunegate.model.config.ModelFamily.BERT ? 2 * d + 1 : 3 * d;
  }

  private static int[] keepTop(double[] scores, int keep) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
        .limit(keep)
        .mapToInt(Integer::intValue)
        .sorted()
        .toArray();
  }
}
