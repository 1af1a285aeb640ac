package io.prunegate.model.config;

/**
 * What one transformer layer holds after pruning: its attention heads (0 = the attention sublayer
 * is removed), its kv heads (equal to heads without grouped-query attention) and its FFN width (0 =
 * the FFN sublayer is removed).
 */
public record LayerStructure(int attentionHeads, int kvHeads, int ffnWidth) {

  public LayerStructure {
    if (attentionHeads < 0 || kvHeads < 0 || ffnWidth < 0) {
      throw new IllegalArgumentException(
          "negative layer structure " + attentionHeads + "/" + kvHeads + "/" + ffnWidth);
    }
    if ((attentionHeads == 0) != (kvHeads == 0)) {
      throw new IllegalArgumentException(
          "attention heads and kv heads must both be zero or both positive, got "
              + attentionHeads
              + " and "
              + kvHeads);
    }
    if (kvHeads > 0 && attentionHeads % kvHeads != 0) {
      throw new IllegalArgumentException(
          attentionHeads + " attention heads are not a multiple of " + kvHeads + " kv heads");
    }
  }

  public boolean hasAttention() {
    return attentionHeads > 0;
  }

  public boolean hasFfn() {
    return ffnWidth > 0;
  }

  public LayerStructure withoutAttention() {
    return new LayerStructure(0, 0, ffnWidth);
  }

  public LayerStructure withoutFfn() {
    return new LayerStructure(attentionHeads, kvHeads, 0);
  }
}
