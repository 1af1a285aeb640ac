package io.prunegate.registry.store;

import io.prunegate.registry.Artifact;
import io.prunegate.registry.LineageStep;
import io.prunegate.registry.ModelVersion;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads versions from their rows: a version with its tags, artifacts and aliases, and its lineage
 * chain walked up through the parent versions (nearest first, stopping at a cycle or a missing row,
 * which the schema does not allow but a reader should survive).
 */
final class VersionRows {

  private static final String VERSION_COLUMNS =
      "model_name, version, parent_version, method, description, parameters_json, metrics_json,"
          + " created_at_ms";

  private VersionRows() {}

  static boolean exists(Connection c, String model, int version) throws SQLException {
    return Sql.count(
            c,
            "SELECT COUNT(*) FROM model_versions WHERE model_name = ? AND version = ?",
            model,
            version)
        > 0;
  }

  static Optional<ModelVersion> load(Connection c, String model, int version, boolean withLineage)
      throws SQLException {
    List<ModelVersion> found = loadAll(c, model, List.of(version));
    if (found.isEmpty()) {
      return Optional.empty();
    }
    ModelVersion v = found.get(0);
    if (!withLineage || v.parentVersion() == null) {
      return Optional.of(v);
    }
    List<LineageStep> lineage = new ArrayList<>();
    Integer next = v.parentVersion();
    Set<Integer> seen = new HashSet<>();
    while (next != null && seen.add(next)) {
      Optional<LineageStep> step =
          Sql.first(
              c,
              "SELECT version, parent_version, method, metrics_json, created_at_ms"
                  + " FROM model_versions WHERE model_name = ? AND version = ?",
              rs ->
                  new LineageStep(
                      rs.getInt("version"),
                      Sql.nullableInt(rs, "parent_version"),
                      rs.getString("method"),
                      CatalogJson.object(rs.getString("metrics_json")),
                      Instant.ofEpochMilli(rs.getLong("created_at_ms"))),
              model,
              next);
      if (step.isEmpty()) {
        break;
      }
      lineage.add(step.get());
      next = step.get().parentVersion();
    }
    return Optional.of(
        new ModelVersion(
            v.model(),
            v.version(),
            v.parentVersion(),
            v.method(),
            v.parameters(),
            v.metrics(),
            v.tags(),
            v.description(),
            v.artifacts(),
            v.createdAt(),
            v.aliases(),
            lineage));
  }

  /** Loads the given versions of one model (without lineage), in version order. */
  static List<ModelVersion> loadAll(Connection c, String model, List<Integer> versions)
      throws SQLException {
    if (versions.isEmpty()) {
      return List.of();
    }
    int min = Collections.min(versions);
    int max = Collections.max(versions);
    Set<Integer> wanted = new HashSet<>(versions);
    Map<Integer, Map<String, String>> tags = new TreeMap<>();
    for (Object[] r :
        Sql.list(
            c,
            "SELECT version, tag_key, tag_value FROM version_tags WHERE model_name = ?"
                + " AND version BETWEEN ? AND ? ORDER BY version, tag_key",
            rs -> new Object[] {rs.getInt(1), rs.getString(2), rs.getString(3)},
            model,
            min,
            max)) {
      tags.computeIfAbsent((Integer) r[0], x -> new LinkedHashMap<>())
          .put((String) r[1], (String) r[2]);
    }
    Map<Integer, List<Artifact>> artifacts = new TreeMap<>();
    for (Object[] r :
        Sql.list(
            c,
            "SELECT version, name, sha256, size_bytes FROM version_artifacts WHERE model_name = ?"
                + " AND version BETWEEN ? AND ? ORDER BY version, name",
            rs ->
                new Object[] {
                  rs.getInt(1), new Artifact(rs.getString(2), rs.getString(3), rs.getLong(4))
                },
            model,
            min,
            max)) {
      artifacts.computeIfAbsent((Integer) r[0], x -> new ArrayList<>()).add((Artifact) r[1]);
    }
    Map<Integer, List<String>> aliases = new TreeMap<>();
    for (Object[] r :
        Sql.list(
            c,
            "SELECT version, alias FROM aliases WHERE model_name = ? ORDER BY alias",
            rs -> new Object[] {rs.getInt(1), rs.getString(2)},
            model)) {
      aliases.computeIfAbsent((Integer) r[0], x -> new ArrayList<>()).add((String) r[1]);
    }
    List<ModelVersion> out = new ArrayList<>();
    for (ModelVersion v :
        Sql.list(
            c,
            "SELECT "
                + VERSION_COLUMNS
                + " FROM model_versions WHERE model_name = ? AND version BETWEEN ? AND ?"
                + " ORDER BY version",
            rs -> {
              int version = rs.getInt("version");
              return new ModelVersion(
                  rs.getString("model_name"),
                  version,
                  Sql.nullableInt(rs, "parent_version"),
                  rs.getString("method"),
                  CatalogJson.object(rs.getString("parameters_json")),
                  CatalogJson.object(rs.getString("metrics_json")),
                  tags.getOrDefault(version, Map.of()),
                  rs.getString("description"),
                  artifacts.getOrDefault(version, List.of()),
                  Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                  aliases.getOrDefault(version, List.of()),
                  List.of());
            },
            model,
            min,
            max)) {
      if (wanted.contains(v.version())) {
        out.add(v);
      }
    }
    return out;
  }
}
