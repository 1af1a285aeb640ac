package io.prunegate.model.classify;

/**
 * A chip produced a NaN or infinite probability: the variant's weights (or what they were computed
 * from) are corrupt. Never served as an answer: the gateway's warm-up refuses such a variant and a
 * batch that meets one at run time fails as an inference error.
 */
public final class NonFiniteOutputException extends IllegalStateException {

  public NonFiniteOutputException(int depth, int row) {
    super(
        "the chip at layer "
            + depth
            + " produced a non-finite probability (NaN or infinity) for row "
            + row
            + " of the batch: the variant's weights are corrupt");
  }
}
