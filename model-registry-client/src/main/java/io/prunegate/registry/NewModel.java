package io.prunegate.registry;

import java.util.List;
import java.util.Objects;

/**
 * What registering a model takes: a name, where the model came from, the task it solves and its
 * label set. A model has no versions yet; versions carry the artifacts.
 *
 * @param name model name ({@link NameRules})
 * @param source where the weights came from (a Hugging Face id, a jar, a URL); optional
 * @param task the task, {@value #DEFAULT_TASK} when null
 * @param labels class labels in score order; may be empty
 * @param description free text; optional
 */
public record NewModel(
    String name, String source, String task, List<String> labels, String description) {

  /** The task of a model registered without one. */
  public static final String DEFAULT_TASK = "text-classification";

  public NewModel {
    Objects.requireNonNull(name, "name");
    task = task == null ? DEFAULT_TASK : task;
    labels = JsonMaps.list(labels);
  }

  /** A text-classification model with these labels. */
  public static NewModel of(String name, String source, List<String> labels) {
    return new NewModel(name, source, DEFAULT_TASK, labels, null);
  }
}
