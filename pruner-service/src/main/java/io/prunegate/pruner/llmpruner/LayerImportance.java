package io.prunegate.pruner.llmpruner;

/**
 * The importance of every prunable group of one layer.
 *
 * @param layer the layer index
 * @param kvGroups one score per kv head with its query heads (per head without GQA); empty when the
 *     layer has no attention
 * @param ffnChannels one score per FFN channel; empty when the layer has no FFN
 */
public record LayerImportance(int layer, double[] kvGroups, double[] ffnChannels) {

  public LayerImportance {
    kvGroups = kvGroups.clone();
    ffnChannels = ffnChannels.clone();
  }

  @Override
  public double[] kvGroups() {
    return kvGroups.clone();
  }

  @Override
  public double[] ffnChannels() {
    return ffnChannels.clone();
  }
}
