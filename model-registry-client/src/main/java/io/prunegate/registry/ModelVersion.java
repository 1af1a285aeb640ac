package io.prunegate.registry;

import io.prunegate.events.ModelRef;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registered, servable version of a model: its artifacts (all uploaded and verified), its lineage
 * (parent version and compression method), parameters, metrics and tags, the aliases that point to
 * it, and the chain of its ancestors.
 *
 * @param model model name
 * @param version version number: 1, 2, ... gapless per model
 * @param parentVersion the version it was derived from, or null for a base version
 * @param method {@code base} or the compression method
 * @param parameters the method's parameters
 * @param metrics evaluation metrics
 * @param tags string tags
 * @param description free text, or null
 * @param artifacts its files, by name
 * @param createdAt when it was registered
 * @param aliases the aliases that point to this version
 * @param lineage ancestors, nearest first (parent, grandparent, ...); empty for a base version and
 *     in list results
 */
public record ModelVersion(
    String model,
    int version,
    Integer parentVersion,
    String method,
    Map<String, Object> parameters,
    Map<String, Object> metrics,
    Map<String, String> tags,
    String description,
    List<Artifact> artifacts,
    Instant createdAt,
    List<String> aliases,
    List<LineageStep> lineage) {

  public ModelVersion {
    parameters = JsonMaps.object(parameters);
    metrics = JsonMaps.object(metrics);
    tags = JsonMaps.strings(tags);
    artifacts = JsonMaps.list(artifacts);
    aliases = JsonMaps.list(aliases);
    lineage = JsonMaps.list(lineage);
  }

  /** True when this version was not derived from another. */
  public boolean isBase() {
    return parentVersion == null;
  }

  /** The artifact with this file name. */
  public Optional<Artifact> artifact(String name) {
    return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
  }

  /** {@code model:version}. */
  public ModelRef ref() {
    return new ModelRef(model, null, version);
  }
}
