package io.prunegate.pruner.chip;

/**
 * One point of the chip-tuning curve: how well the chip reading the hidden state after {@code
 * depth} layers classifies.
 *
 * @param depth layers run before the chip (1..L)
 * @param validationAccuracy accuracy on the validation split (what selection uses)
 * @param validationLoss mean cross-entropy on the validation split at the kept epoch
 * @param testAccuracy accuracy on the test split, or NaN when there is none
 */
public record LayerAccuracy(
    int depth, double validationAccuracy, double validationLoss, double testAccuracy) {}
