package io.prunegate.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A registered model: its description and a summary of its versions and aliases.
 *
 * @param name model name
 * @param source where the weights came from, or null
 * @param task the task, e.g. {@code text-classification}
 * @param labels class labels in score order
 * @param description free text, or null
 * @param createdAt when it was registered
 * @param latestVersion the highest version number, 0 when it has no version yet (versions are
 *     gapless, so this is also the number of versions)
 * @param aliases alias name to version
 */
public record RegisteredModel(
    String name,
    String source,
    String task,
    List<String> labels,
    String description,
    Instant createdAt,
    int latestVersion,
    Map<String, Integer> aliases) {

  public RegisteredModel {
    labels = JsonMaps.list(labels);
    aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
  }
}
