package io.prunegate.registry;

import java.time.Instant;
import java.util.Map;

/**
 * One ancestor in a version's lineage chain: which version, what it was derived from and how, and
 * its metrics (so that a chain shows what each compression step cost).
 */
public record LineageStep(
    int version,
    Integer parentVersion,
    String method,
    Map<String, Object> metrics,
    Instant createdAt) {

  public LineageStep {
    metrics = JsonMaps.object(metrics);
  }
}
