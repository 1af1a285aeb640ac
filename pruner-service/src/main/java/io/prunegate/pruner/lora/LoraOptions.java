package io.prunegate.pruner.lora;

import java.util.Set;

/**
 * LoRA recovery settings.
 *
 * @param rank adapter rank r
 * @param alpha scaling numerator: the update is {@code alpha / r * B A}
 * @param dropout dropout on the adapter's input while training
 * @param targets the projections that get adapters
 * @param learningRate Adam learning rate of the adapters
 * @param headLearningRate Adam learning rate of a task head trained alongside (encoders)
 * @param epochs passes over the training data
 * @param batchSize examples per step
 * @param maxSteps stop after this many steps (0 = no limit)
 * @param seed seed of the adapter initialisation, dropout and shuffling
 */
public record LoraOptions(
    int rank,
    float alpha,
    float dropout,
    Set<LoraTarget> targets,
    float learningRate,
    float headLearningRate,
    int epochs,
    int batchSize,
    int maxSteps,
    long seed) {

  public LoraOptions {
    targets = Set.copyOf(targets);
    if (rank < 1) {
      throw new IllegalArgumentException("LoRA rank must be >= 1, got " + rank);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("LoRA dropout must be in [0, 1), got " + dropout);
    }
    if (targets.isEmpty()) {
      throw new IllegalArgumentException("LoRA needs at least one target projection");
    }
    if (!(learningRate > 0) || !(headLearningRate > 0)) {
      throw new IllegalArgumentException("learning rates must be > 0");
    }
    if (epochs < 1 || batchSize < 1 || maxSteps < 0) {
      throw new IllegalArgumentException("epochs and batch size must be >= 1, max steps >= 0");
    }
  }

  /**
   * Rank 8, alpha 16, dropout 0.05 on every projection (LLM-Pruner's recovery settings); Adam at
   * 1e-3 (head 1e-3: one short epoch is the usual budget here), one epoch, batches of 16.
   */
  public static LoraOptions defaults() {
    return new LoraOptions(8, 16f, 0.05f, LoraTarget.all(), 1e-3f, 1e-3f, 1, 16, 0, 42L);
  }

  public float scale() {
    return alpha / rank;
  }

  public LoraOptions withLearningRate(float lr) {
    return new LoraOptions(
        rank, alpha, dropout, targets, lr, headLearningRate, epochs, batchSize, maxSteps, seed);
  }

  public LoraOptions withEpochs(int n) {
    return new LoraOptions(
        rank,
        alpha,
        dropout,
        targets,
        learningRate,
        headLearningRate,
        n,
        batchSize,
        maxSteps,
        seed);
  }

  public LoraOptions withMaxSteps(int n) {
    return new LoraOptions(
        rank, alpha, dropout, targets, learningRate, headLearningRate, epochs, batchSize, n, seed);
  }

  public LoraOptions withBatchSize(int n) {
    return new LoraOptions(
        rank, alpha, dropout, targets, learningRate, headLearningRate, epochs, n, maxSteps, seed);
  }
}
