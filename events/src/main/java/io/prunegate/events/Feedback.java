package io.prunegate.events;

/**
 * The true label of an earlier request, published to the feedback topic so that the gateway can
 * track live accuracy (and its drift) per variant.
 *
 * @param id the request id the label belongs to
 * @param label the true label
 * @param model the model name the request was sent to (optional; narrows the lookup)
 * @param timestampMs when the label was observed, Unix epoch milliseconds
 */
public record Feedback(String id, String label, String model, long timestampMs) {

  public Feedback {
    if (id == null || id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    if (label == null || label.isEmpty()) {
      throw new IllegalArgumentException("label must not be empty");
    }
  }
}
