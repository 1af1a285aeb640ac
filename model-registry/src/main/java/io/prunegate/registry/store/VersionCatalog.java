package io.prunegate.registry.store;

import io.prunegate.events.ModelEventType;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.LineageStep;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.VersionJson.ArtifactClaim;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The versions of the catalog: creation (gapless numbers handed out under the model's row lock,
 * artifacts checked against the uploaded blobs, {@code model.registered} or {@code
 * variant.registered} announced), tags set and removed afterwards ({@code version.tagged}), lookup
 * with lineage, and listing by model, method, parent and tags.
 */
final class VersionCatalog {

  private final Database db;
  private final BlobLookup blobs;

  VersionCatalog(Database db, BlobLookup blobs) {
    this.db = db;
    this.blobs = blobs;
  }

  /**
   * Creates the next version of {@code model}. With an idempotency key that an earlier create of
   * this model used, returns that version instead ({@code created == false}). {@link
   * StoreRefusal.NotFound} for an unknown model; {@link StoreRefusal.Unprocessable} for an unknown
   * parent version, a blob that was not uploaded, or a size that does not match the blob. Announces
   * {@code model.registered} (no parent) or {@code variant.registered}.
   */
  Created<ModelVersion> createVersion(String model, VersionSpec spec, List<ArtifactClaim> claims) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          if (spec.idempotencyKey() != null) {
            Optional<Integer> existing =
                Sql.first(
                    c,
                    "SELECT version FROM model_versions WHERE model_name = ? AND idempotency_key = ?",
                    rs -> rs.getInt(1),
                    model,
                    spec.idempotencyKey());
            if (existing.isPresent()) {
              return new Created<>(
                  VersionRows.load(c, model, existing.get(), true).orElseThrow(), false);
            }
          }
          Integer parent = spec.parentVersion();
          if (parent != null && !VersionRows.exists(c, model, parent)) {
            throw StoreRefusal.unprocessable(
                "parent_version",
                "parent version " + parent + " of model '" + model + "' does not exist");
          }
          List<Artifact> artifacts = new ArrayList<>();
          for (int i = 0; i < claims.size(); i++) {
            ArtifactClaim a = claims.get(i);
            OptionalLong size = blobs.sizeOf(a.sha256());
            if (size.isEmpty()) {
              throw StoreRefusal.unprocessable(
                  "artifacts[" + i + "].sha256",
                  "artifact '" + a.name() + "': no uploaded blob with sha256 " + a.sha256());
            }
            if (a.size() != null && a.size() != size.getAsLong()) {
              throw StoreRefusal.unprocessable(
                  "artifacts[" + i + "].size",
                  "artifact '"
                      + a.name()
                      + "': declared size "
                      + a.size()
                      + " but the uploaded blob has "
                      + size.getAsLong()
                      + " bytes");
            }
            artifacts.add(new Artifact(a.name(), a.sha256(), size.getAsLong()));
          }
          int version = lock.takeVersionNumber();
          Sql.update(
              c,
              "INSERT INTO model_versions (model_name, version, parent_version, method, description,"
                  + " parameters_json, metrics_json, idempotency_key, created_at_ms)"
                  + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              model,
              version,
              parent,
              spec.method(),
              spec.description(),
              CatalogJson.json(spec.parameters()),
              CatalogJson.json(spec.metrics()),
              spec.idempotencyKey(),
              tx.now());
          for (Map.Entry<String, String> tag : spec.tags().entrySet()) {
            Sql.update(
                c,
                "INSERT INTO version_tags (model_name, version, tag_key, tag_value)"
                    + " VALUES (?, ?, ?, ?)",
                model,
                version,
                tag.getKey(),
                tag.getValue());
          }
          for (Artifact a : artifacts) {
            Sql.update(
                c,
                "INSERT INTO version_artifacts (model_name, version, name, sha256, size_bytes)"
                    + " VALUES (?, ?, ?, ?, ?)",
                model,
                version,
                a.name(),
                a.sha256(),
                a.size());
          }
          ModelVersion created = VersionRows.load(c, model, version, true).orElseThrow();
          RegisteredModel m = ModelCatalog.load(c, model).orElseThrow();
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("task", m.task());
          details.put("labels", m.labels());
          details.put("source", m.source());
          details.put("parameters", spec.parameters());
          details.put("metrics", spec.metrics());
          details.put("tags", spec.tags());
          details.put(
              "artifacts",
              artifacts.stream()
                  .map(
                      a ->
                          Map.<String, Object>of(
                              "name", a.name(), "sha256", a.sha256(), "size", a.size()))
                  .toList());
          details.put("lineage", created.lineage().stream().map(LineageStep::version).toList());
          lock.emit(
              parent == null ? ModelEventType.MODEL_REGISTERED : ModelEventType.VARIANT_REGISTERED,
              version,
              null,
              parent,
              spec.method(),
              null,
              details);
          return new Created<>(created, true);
        });
  }

  /**
   * The version with its lineage chain; {@link StoreRefusal.NotFound} for an unknown model or
   * version.
   */
  ModelVersion getVersion(String model, int version) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (!ModelCatalog.exists(c, model)) {
            throw ModelCatalog.notFound(model);
          }
          return VersionRows.load(c, model, version, true)
              .orElseThrow(() -> notFound(model, version));
        });
  }

  /**
   * Sets tag {@code key} of a version to {@code value}, or removes it when {@code value} is null.
   * {@link StoreRefusal.NotFound} for an unknown model or version, and for removing a tag the
   * version does not have. Announces {@code version.tagged} (details {@code key}, {@code value},
   * {@code previous_value}) when the tag changed; setting the value it already has changes nothing.
   */
  ModelVersion setTag(String model, int version, String key, String value) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          ModelVersion current =
              VersionRows.load(c, model, version, true).orElseThrow(() -> notFound(model, version));
          String previous = current.tags().get(key);
          if (value == null && previous == null) {
            throw StoreRefusal.notFound(
                "tag",
                "tag '" + key + "' of version " + version + " of model '" + model + "' not found");
          }
          if (value != null && value.equals(previous)) {
            return current;
          }
          if (previous != null) {
            Sql.update(
                c,
                "DELETE FROM version_tags WHERE model_name = ? AND version = ? AND tag_key = ?",
                model,
                version,
                key);
          }
          if (value != null) {
            Sql.update(
                c,
                "INSERT INTO version_tags (model_name, version, tag_key, tag_value)"
                    + " VALUES (?, ?, ?, ?)",
                model,
                version,
                key,
                value);
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("key", key);
          details.put("value", value);
          details.put("previous_value", previous);
          lock.emit(ModelEventType.VERSION_TAGGED, version, null, null, null, null, details);
          return VersionRows.load(c, model, version, true).orElseThrow();
        });
  }

  private static StoreRefusal notFound(String model, int version) {
    return StoreRefusal.notFound(
        "version", "version " + version + " of model '" + model + "' not found");
  }

  /** Versions matching the query, by model name and version number. */
  Page<ModelVersion> listVersions(VersionQuery q) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (q.model() != null && !ModelCatalog.exists(c, q.model())) {
            throw ModelCatalog.notFound(q.model());
          }
          StringBuilder where = new StringBuilder(" WHERE 1 = 1");
          List<Object> params = new ArrayList<>();
          if (q.model() != null) {
            where.append(" AND v.model_name = ?");
            params.add(q.model());
          }
          if (q.method() != null) {
            where.append(" AND v.method = ?");
            params.add(q.method());
          }
          if (q.parentVersion() != null) {
            where.append(" AND v.parent_version = ?");
            params.add(q.parentVersion());
          }
          for (VersionQuery.TagFilter tag : q.tags()) {
            where.append(
                " AND EXISTS (SELECT 1 FROM version_tags t WHERE t.model_name = v.model_name"
                    + " AND t.version = v.version AND t.tag_key = ?");
            params.add(tag.key());
            if (tag.value() != null) {
              where.append(" AND t.tag_value = ?");
              params.add(tag.value());
            }
            where.append(")");
          }
          long total =
              Sql.count(c, "SELECT COUNT(*) FROM model_versions v" + where, params.toArray());
          List<Object> pageParams = new ArrayList<>(params);
          pageParams.add(q.limit());
          pageParams.add(q.offset());
          List<Object[]> keys =
              Sql.list(
                  c,
                  "SELECT v.model_name, v.version FROM model_versions v"
                      + where
                      + " ORDER BY v.model_name, v.version LIMIT ? OFFSET ?",
                  rs -> new Object[] {rs.getString(1), rs.getInt(2)},
                  pageParams.toArray());
          Map<String, List<Integer>> byModel = new LinkedHashMap<>();
          for (Object[] k : keys) {
            byModel.computeIfAbsent((String) k[0], x -> new ArrayList<>()).add((Integer) k[1]);
          }
          List<ModelVersion> items = new ArrayList<>();
          for (Map.Entry<String, List<Integer>> e : byModel.entrySet()) {
            items.addAll(VersionRows.loadAll(c, e.getKey(), e.getValue()));
          }
          return new Page<>(items, total, q.limit(), q.offset());
        });
  }
}
