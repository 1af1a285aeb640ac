package io.prunegate.registry.store;

import io.prunegate.events.ModelEventType;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.LineageStep;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryJson.ArtifactClaim;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
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
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Models, versions (with their artifacts, tags and lineage) and aliases in the JDBC store. Every
 * change takes the model's row lock ({@link LockedModel}) and writes its event to the outbox in the
 * same transaction. Version numbers are handed out in the creating transaction, so they are gapless
 * per model; a version only exists once every artifact it names is in the artifact store.
 */
public final class CatalogStore {

  private static final String VERSION_COLUMNS =
      "model_name, version, parent_version, method, description, parameters_json, metrics_json,"
          + " created_at_ms";

  private final Database db;
  private final BlobLookup blobs;

  public CatalogStore(Database db, BlobLookup blobs) {
    this.db = db;
    this.blobs = blobs;
  }

  public Database database() {
    return db;
  }

  // ------------------------------------------------------------------ models

  /**
   * Registers a model; {@link CatalogException.Conflict} when the name is taken. Announces {@code
   * model.created}.
   */
  public RegisteredModel createModel(NewModel m) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (modelExists(c, m.name())) {
            throw CatalogException.conflict("name", "model '" + m.name() + "' already exists");
          }
          try {
            Sql.update(
                c,
                "INSERT INTO models (name, source, task, description, labels_json, created_at_ms,"
                    + " next_version, event_seq) VALUES (?, ?, ?, ?, ?, ?, 1, 0)",
                m.name(),
                m.source(),
                m.task(),
                m.description(),
                json(m.labels()),
                tx.now());
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw CatalogException.conflict("name", "model '" + m.name() + "' already exists");
            }
            throw e;
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("task", m.task());
          details.put("labels", m.labels());
          details.put("source", m.source());
          details.put("description", m.description());
          LockedModel.inserted(tx, m.name())
              .emit(ModelEventType.MODEL_CREATED, null, null, null, null, null, details);
          return loadModel(c, m.name()).orElseThrow();
        });
  }

  /** The model; {@link CatalogException.NotFound} when there is none. */
  public RegisteredModel getModel(String name) {
    return db.inTransaction(tx -> loadModel(tx.connection(), name))
        .orElseThrow(() -> modelNotFound(name));
  }

  /** Models matching the query, by name. */
  public Page<RegisteredModel> listModels(ModelQuery q) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          StringBuilder where = new StringBuilder(" WHERE 1 = 1");
          List<Object> params = new ArrayList<>();
          if (q.text() != null && !q.text().isEmpty()) {
            where.append(" AND name LIKE ? ESCAPE '!'");
            params.add("%" + q.text().replaceAll("([!%_])", "!$1") + "%");
          }
          if (q.task() != null) {
            where.append(" AND task = ?");
            params.add(q.task());
          }
          long total = Sql.count(c, "SELECT COUNT(*) FROM models" + where, params.toArray());
          List<Object> pageParams = new ArrayList<>(params);
          pageParams.add(q.limit());
          pageParams.add(q.offset());
          List<String> names =
              Sql.list(
                  c,
                  "SELECT name FROM models" + where + " ORDER BY name LIMIT ? OFFSET ?",
                  rs -> rs.getString(1),
                  pageParams.toArray());
          List<RegisteredModel> items = new ArrayList<>();
          for (String name : names) {
            loadModel(c, name).ifPresent(items::add);
          }
          return new Page<>(items, total, q.limit(), q.offset());
        });
  }

  private Optional<RegisteredModel> loadModel(Connection c, String name) throws SQLException {
    Map<String, Integer> aliases = new TreeMap<>();
    for (String[] row :
        Sql.list(
            c,
            "SELECT alias, version FROM aliases WHERE model_name = ?",
            rs -> new String[] {rs.getString(1), String.valueOf(rs.getInt(2))},
            name)) {
      aliases.put(row[0], Integer.parseInt(row[1]));
    }
    return Sql.first(
        c,
        "SELECT name, source, task, description, labels_json, created_at_ms, next_version"
            + " FROM models WHERE name = ?",
        rs ->
            new RegisteredModel(
                rs.getString("name"),
                rs.getString("source"),
                rs.getString("task"),
                stringList(rs.getString("labels_json")),
                rs.getString("description"),
                Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                rs.getInt("next_version") - 1,
                aliases),
        name);
  }

  private static boolean modelExists(Connection c, String name) throws SQLException {
    return Sql.count(c, "SELECT COUNT(*) FROM models WHERE name = ?", name) > 0;
  }

  // ------------------------------------------------------------------ versions

  /**
   * Creates the next version of {@code model}. With an idempotency key that an earlier create of
   * this model used, returns that version instead ({@code created == false}). {@link
   * CatalogException.NotFound} for an unknown model; {@link CatalogException.Unprocessable} for an
   * unknown parent version, a blob that was not uploaded, or a size that does not match the blob.
   * Announces {@code model.registered} (no parent) or {@code variant.registered}.
   */
  public Created<ModelVersion> createVersion(
      String model, VersionSpec spec, List<ArtifactClaim> claims) {
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
                  loadVersion(c, model, existing.get(), true).orElseThrow(), false);
            }
          }
          Integer parent = spec.parentVersion();
          if (parent != null && !versionExists(c, model, parent)) {
            throw CatalogException.unprocessable(
                "parent_version",
                "parent version " + parent + " of model '" + model + "' does not exist");
          }
          List<Artifact> artifacts = new ArrayList<>();
          for (int i = 0; i < claims.size(); i++) {
            ArtifactClaim a = claims.get(i);
            OptionalLong size = blobs.sizeOf(a.sha256());
            if (size.isEmpty()) {
              throw CatalogException.unprocessable(
                  "artifacts[" + i + "].sha256",
                  "artifact '" + a.name() + "': no uploaded blob with sha256 " + a.sha256());
            }
            if (a.size() != null && a.size() != size.getAsLong()) {
              throw CatalogException.unprocessable(
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
              json(spec.parameters()),
              json(spec.metrics()),
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
          ModelVersion created = loadVersion(c, model, version, true).orElseThrow();
          RegisteredModel m = loadModel(c, model).orElseThrow();
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
   * The version with its lineage chain; {@link CatalogException.NotFound} for an unknown model or
   * version.
   */
  public ModelVersion getVersion(String model, int version) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (!modelExists(c, model)) {
            throw modelNotFound(model);
          }
          return loadVersion(c, model, version, true)
              .orElseThrow(
                  () ->
                      CatalogException.notFound(
                          "version", "version " + version + " of model '" + model + "' not found"));
        });
  }

  /** Versions matching the query, by model name and version number. */
  public Page<ModelVersion> listVersions(VersionQuery q) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (q.model() != null && !modelExists(c, q.model())) {
            throw modelNotFound(q.model());
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
            items.addAll(loadVersions(c, e.getKey(), e.getValue()));
          }
          return new Page<>(items, total, q.limit(), q.offset());
        });
  }

  private static boolean versionExists(Connection c, String model, int version)
      throws SQLException {
    return Sql.count(
            c,
            "SELECT COUNT(*) FROM model_versions WHERE model_name = ? AND version = ?",
            model,
            version)
        > 0;
  }

  private Optional<ModelVersion> loadVersion(
      Connection c, String model, int version, boolean withLineage) throws SQLException {
    List<ModelVersion> found = loadVersions(c, model, List.of(version));
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
                      object(rs.getString("metrics_json")),
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
  private List<ModelVersion> loadVersions(Connection c, String model, List<Integer> versions)
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
                  object(rs.getString("parameters_json")),
                  object(rs.getString("metrics_json")),
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

  // ------------------------------------------------------------------ aliases

  /**
   * Points {@code alias} at {@code version} (creating or moving it). {@link
   * CatalogException.NotFound} for an unknown model, {@link CatalogException.Unprocessable} for an
   * unknown version. Announces {@code alias.moved} when the alias changed.
   */
  public AliasBinding setAlias(String model, String alias, int version) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          if (!versionExists(c, model, version)) {
            throw CatalogException.unprocessable(
                "version", "version " + version + " of model '" + model + "' does not exist");
          }
          Optional<AliasBinding> current = loadAlias(c, model, alias);
          if (current.isPresent() && current.get().version() == version) {
            return current.get();
          }
          if (current.isPresent()) {
            Sql.update(
                c,
                "UPDATE aliases SET version = ?, updated_at_ms = ? WHERE model_name = ? AND alias = ?",
                version,
                tx.now(),
                model,
                alias);
          } else {
            Sql.update(
                c,
                "INSERT INTO aliases (model_name, alias, version, updated_at_ms) VALUES (?, ?, ?, ?)",
                model,
                alias,
                version,
                tx.now());
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("previous_version", current.map(AliasBinding::version).orElse(null));
          lock.emit(ModelEventType.ALIAS_MOVED, version, alias, null, null, null, details);
          return loadAlias(c, model, alias).orElseThrow();
        });
  }

  /**
   * Removes an alias; {@link CatalogException.NotFound} when the model or alias does not exist.
   * Announces {@code alias.deleted}.
   */
  public AliasBinding deleteAlias(String model, String alias) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          AliasBinding current =
              loadAlias(c, model, alias).orElseThrow(() -> aliasNotFound(model, alias));
          Sql.update(c, "DELETE FROM aliases WHERE model_name = ? AND alias = ?", model, alias);
          lock.emit(
              ModelEventType.ALIAS_DELETED, current.version(), alias, null, null, null, Map.of());
          return current;
        });
  }

  /** The alias; {@link CatalogException.NotFound} when the model or alias does not exist. */
  public AliasBinding getAlias(String model, String alias) {
    return db.inTransaction(
        tx -> {
          if (!modelExists(tx.connection(), model)) {
            throw modelNotFound(model);
          }
          return loadAlias(tx.connection(), model, alias)
              .orElseThrow(() -> aliasNotFound(model, alias));
        });
  }

  /** Every alias of a model, by name; {@link CatalogException.NotFound} for an unknown model. */
  public List<AliasBinding> listAliases(String model) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (!modelExists(c, model)) {
            throw modelNotFound(model);
          }
          return Sql.list(
              c,
              "SELECT model_name, alias, version, updated_at_ms FROM aliases"
                  + " WHERE model_name = ? ORDER BY alias",
              CatalogStore::alias,
              model);
        });
  }

  /**
   * The version a reference means: {@code name:version}, {@code name@alias}, or a bare name (the
   * {@code champion} alias). {@link CatalogException.NotFound} when the model, version or alias
   * does not exist.
   */
  public ModelVersion resolve(ModelRef ref) {
    if (ref.version() != null) {
      return getVersion(ref.name(), ref.version());
    }
    String alias = ref.effectiveAlias().orElseThrow();
    return getVersion(ref.name(), getAlias(ref.name(), alias).version());
  }

  private static Optional<AliasBinding> loadAlias(Connection c, String model, String alias)
      throws SQLException {
    return Sql.first(
        c,
        "SELECT model_name, alias, version, updated_at_ms FROM aliases"
            + " WHERE model_name = ? AND alias = ?",
        CatalogStore::alias,
        model,
        alias);
  }

  private static AliasBinding alias(java.sql.ResultSet rs) throws SQLException {
    return new AliasBinding(
        rs.getString("model_name"),
        rs.getString("alias"),
        rs.getInt("version"),
        Instant.ofEpochMilli(rs.getLong("updated_at_ms")));
  }

  // ------------------------------------------------------------------ artifacts

  /** The sha256 of every blob some version refers to. */
  public Set<String> referencedBlobs() {
    return db.inTransaction(
        tx ->
            Sql.list(
                    tx.connection(),
                    "SELECT DISTINCT sha256 FROM version_artifacts",
                    rs -> rs.getString(1))
                .stream()
                .collect(Collectors.toSet()));
  }

  /** True when some version refers to the blob. */
  public boolean isReferenced(String sha256) {
    return db.inTransaction(
        tx ->
            Sql.count(
                    tx.connection(),
                    "SELECT COUNT(*) FROM version_artifacts WHERE sha256 = ?",
                    sha256)
                > 0);
  }

  // ------------------------------------------------------------------ helpers

  private static CatalogException modelNotFound(String name) {
    return CatalogException.notFound("model", "model '" + name + "' not found");
  }

  private static CatalogException aliasNotFound(String model, String alias) {
    return CatalogException.notFound(
        "alias", "alias '" + alias + "' of model '" + model + "' not found");
  }

  static String json(Object value) {
    return RegistryJson.writeString(RegistryJson.toTree(value));
  }

  static Map<String, Object> object(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    return RegistryJson.toMap(
        RegistryJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static List<String> stringList(String json) {
    List<String> out = new ArrayList<>();
    RegistryJson.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .forEach(n -> out.add(n.asText()));
    return out;
  }
}
