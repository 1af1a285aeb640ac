package io.prunegate.pruner.finercut;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.prunegate.model.chip.Chip;
import io.prunegate.model.config.ModelFamily;
import io.prunegate.model.runtime.HiddenState;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.Transformer;

/**
 * How FinerCut measures the change of a model's output: the original model's output is prepared
 * once per calibration batch ({@link #prepare}), each pruned candidate's output the same way, and
 * {@link #divergenceSum} compares them row by row. The mean divergence is the sum over all batches
 * divided by the total number of rows.
 */
public sealed interface OutputCriterion {

  /** A short name for reports and the manifest. */
  String name();

  /**
   * The model's comparable output from the residual stream after the last layer: one row per valid
   * token (or per sequence for the chip criterion); arrays belong to {@code manager}'s scope.
   */
  NDArray prepare(Transformer model, NDManager manager, HiddenState last);

  /** Sum over rows of the divergence between two prepared outputs. */
  double divergenceSum(NDArray reference, NDArray pruned);

  /** The default for a model: next-token JS for decoders, angular distance for encoders. */
  static OutputCriterion defaultFor(Transformer model) {
    return model.config().family() == ModelFamily.BERT
        ? new FinalHiddenAngle()
        : new NextTokenJensenShannon();
  }

  /**
   * Decoders: Jensen-Shannon divergence between next-token distributions at every valid position.
   */
  record NextTokenJensenShannon() implements OutputCriterion {
    @Override
    public String name() {
      return "next-token-js";
    }

    @Override
    public NDArray prepare(Transformer model, NDManager manager, HiddenState last) {
      // Packed rows: the final norm and LM head run on valid positions only.
      return Divergence.logProbabilities(model.logits(model.finalHidden(last.packed())));
    }

    @Override
    public double divergenceSum(NDArray reference, NDArray pruned) {
      return Divergence.jensenShannonSum(reference, pruned);
    }
  }

  /** Encoders: angular distance between final hidden states at every valid token. */
  record FinalHiddenAngle() implements OutputCriterion {
    @Override
    public String name() {
      return "final-hidden-angle";
    }

    @Override
    public NDArray prepare(Transformer model, NDManager manager, HiddenState last) {
      return Divergence.unitRows(model.finalHidden(last.packed()));
    }

    @Override
    public double divergenceSum(NDArray reference, NDArray pruned) {
      return Divergence.angularSum(reference, pruned);
    }
  }

  /**
   * Task-aware: Jensen-Shannon divergence between a chip's class distributions, the chip reading
   * the pooled final hidden states (a chip at the model's full depth).
   */
  record ChipJensenShannon(Chip chip, Pooling pooling) implements OutputCriterion {
    @Override
    public String name() {
      return "chip-js";
    }

    @Override
    public NDArray prepare(Transformer model, NDManager manager, HiddenState last) {
      if (chip.depth() != model.config().numLayers()) {
        throw new IllegalArgumentException(
            "the chip criterion needs a chip at the full depth "
                + model.config().numLayers()
                + ", got one at depth "
                + chip.depth());
      }
      NDArray hidden = model.finalHidden(last.hidden());
      return Divergence.logProbabilities(
          chip.logits(pooling.apply(manager, hidden, last.context())));
    }

    @Override
    public double divergenceSum(NDArray reference, NDArray pruned) {
      return Divergence.jensenShannonSum(reference, pruned);
    }
  }
}
