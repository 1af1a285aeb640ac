package io.prunegate.registry.store;

import io.prunegate.events.ModelEventType;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The models of the catalog: registration (which announces {@code model.created}), lookup and
 * listing. Its row loaders are shared by the version and alias catalogs, which report a model's
 * summary and check that a model exists.
 */
final class ModelCatalog {

  private final Database db;

  ModelCatalog(Database db) {
    this.db = db;
  }

  /**
   * Registers a model; {@link StoreRefusal.Conflict} when the name is taken. Announces {@code
   * model.created}.
   */
  RegisteredModel createModel(NewModel m) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (exists(c, m.name())) {
            throw StoreRefusal.conflict("name", "model '" + m.name() + "' already exists");
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
                CatalogJson.json(m.labels()),
                tx.now());
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw StoreRefusal.conflict("name", "model '" + m.name() + "' already exists");
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
          return load(c, m.name()).orElseThrow();
        });
  }

  /** The model; {@link StoreRefusal.NotFound} when there is none. */
  RegisteredModel getModel(String name) {
    return db.inTransaction(tx -> load(tx.connection(), name)).orElseThrow(() -> notFound(name));
  }

  /** Models matching the query, by name. */
  Page<RegisteredModel> listModels(ModelQuery q) {
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
            load(c, name).ifPresent(items::add);
          }
          return new Page<>(items, total, q.limit(), q.offset());
        });
  }

  static Optional<RegisteredModel> load(Connection c, String name) throws SQLException {
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
                CatalogJson.stringList(rs.getString("labels_json")),
                rs.getString("description"),
                Instant.ofEpochMilli(rs.getLong("created_at_ms")),
                rs.getInt("next_version") - 1,
                aliases),
        name);
  }

  static boolean exists(Connection c, String name) throws SQLException {
    return Sql.count(c, "SELECT COUNT(*) FROM models WHERE name = ?", name) > 0;
  }

  static StoreRefusal notFound(String name) {
    return StoreRefusal.notFound("model", "model '" + name + "' not found");
  }
}
