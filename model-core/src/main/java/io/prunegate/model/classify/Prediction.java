package io.prunegate.model.classify;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One example's classification.
 *
 * @param labelIndex index of the predicted label
 * @param label the predicted label
 * @param probabilities class probabilities in label order
 * @param exitDepth the number of layers run before the answering chip (early exit)
 * @param truncated whether the text was cut to the model's window
 */
public record Prediction(
    int labelIndex, String label, float[] probabilities, int exitDepth, boolean truncated) {

  /** Probabilities by label, in label order. */
  public Map<String, Double> scores(List<String> labels) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      out.put(labels.get(i), (double) probabilities[i]);
    }
    return out;
  }

  /** The top probability. */
  public float confidence() {
    return probabilities[labelIndex];
  }
}
