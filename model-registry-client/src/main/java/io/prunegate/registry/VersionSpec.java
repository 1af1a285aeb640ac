package io.prunegate.registry;

import java.util.Map;

/**
 * The metadata of a version to create (its artifacts are given separately): lineage (parent version
 * and compression method), parameters, metrics, tags, and an optional idempotency key. Repeating a
 * create with the same idempotency key returns the version the first request created.
 *
 * @param parentVersion the version this one was derived from; null for a base version
 * @param method how it was made: {@value #BASE} for a base version, else the compression method
 *     (e.g. {@code chip}, {@code finercut}, {@code llm-pruner}); null means {@value #BASE}
 * @param parameters the method's parameters (a JSON object)
 * @param metrics evaluation metrics (a JSON object)
 * @param tags free string tags, searchable
 * @param description free text, or null
 * @param idempotencyKey makes the create safe to repeat, or null
 */
public record VersionSpec(
    Integer parentVersion,
    String method,
    Map<String, Object> parameters,
    Map<String, Object> metrics,
    Map<String, String> tags,
    String description,
    String idempotencyKey) {

  /** The method of a version that was not derived from another. */
  public static final String BASE = "base";

  public VersionSpec {
    method = method == null && parentVersion == null ? BASE : method;
    parameters = JsonMaps.object(parameters);
    metrics = JsonMaps.object(metrics);
    tags = JsonMaps.strings(tags);
  }

  /** A base version without metrics or tags. */
  public static VersionSpec base() {
    return new VersionSpec(null, BASE, Map.of(), Map.of(), Map.of(), null, null);
  }

  /** A version derived from {@code parentVersion} by {@code method}. */
  public static VersionSpec derived(int parentVersion, String method) {
    return new VersionSpec(parentVersion, method, Map.of(), Map.of(), Map.of(), null, null);
  }

  public VersionSpec withParameters(Map<String, Object> value) {
    return new VersionSpec(
        parentVersion, method, value, metrics, tags, description, idempotencyKey);
  }

  public VersionSpec withMetrics(Map<String, Object> value) {
    return new VersionSpec(
        parentVersion, method, parameters, value, tags, description, idempotencyKey);
  }

  public VersionSpec withTags(Map<String, String> value) {
    return new VersionSpec(
        parentVersion, method, parameters, metrics, value, description, idempotencyKey);
  }

  public VersionSpec withDescription(String value) {
    return new VersionSpec(parentVersion, method, parameters, metrics, tags, value, idempotencyKey);
  }

  public VersionSpec withIdempotencyKey(String value) {
    return new VersionSpec(parentVersion, method, parameters, metrics, tags, description, value);
  }
}
