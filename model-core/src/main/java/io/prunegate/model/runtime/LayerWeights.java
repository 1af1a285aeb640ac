package io.prunegate.model.runtime;

/**
 * One layer's weights. For pre-norm decoders the norms run before their sublayer; for post-norm
 * encoders after it (BERT: attention.output.LayerNorm and output.LayerNorm). A removed sublayer has
 * a null block; its norm stays, because post-norm removal maps {@code x -> LN(x)}.
 */
public record LayerWeights(
    Norm attentionNorm, AttentionBlock attention, Norm ffnNorm, FeedForwardBlock ffn) {

  public LayerWeights withAttention(AttentionBlock block) {
    return new LayerWeights(attentionNorm, block, ffnNorm, ffn);
  }

  public LayerWeights withFfn(FeedForwardBlock block) {
    return new LayerWeights(attentionNorm, attention, ffnNorm, block);
  }
}
