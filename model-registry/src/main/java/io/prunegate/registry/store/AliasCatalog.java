package io.prunegate.registry.store;

import io.prunegate.events.ModelEventType;
import io.prunegate.registry.AliasBinding;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The aliases of the catalog: moving one (announcing {@code alias.moved}), deleting one (announcing
 * {@code alias.deleted}), lookup and listing per model.
 */
final class AliasCatalog {

  private final Database db;

  AliasCatalog(Database db) {
    this.db = db;
  }

  /**
   * Points {@code alias} at {@code version} (creating or moving it). {@link StoreRefusal.NotFound}
   * for an unknown model, {@link StoreRefusal.Unprocessable} for an unknown version. Announces
   * {@code alias.moved} when the alias changed.
   */
  AliasBinding setAlias(String model, String alias, int version) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          if (!VersionRows.exists(c, model, version)) {
            throw StoreRefusal.unprocessable(
                "version", "version " + version + " of model '" + model + "' does not exist");
          }
          Optional<AliasBinding> current = load(c, model, alias);
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
          return load(c, model, alias).orElseThrow();
        });
  }

  /**
   * Removes an alias; {@link StoreRefusal.NotFound} when the model or alias does not exist.
   * Announces {@code alias.deleted}.
   */
  AliasBinding deleteAlias(String model, String alias) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          LockedModel lock = LockedModel.lock(tx, model);
          AliasBinding current = load(c, model, alias).orElseThrow(() -> notFound(model, alias));
          Sql.update(c, "DELETE FROM aliases WHERE model_name = ? AND alias = ?", model, alias);
          lock.emit(
              ModelEventType.ALIAS_DELETED, current.version(), alias, null, null, null, Map.of());
          return current;
        });
  }

  /** The alias; {@link StoreRefusal.NotFound} when the model or alias does not exist. */
  AliasBinding getAlias(String model, String alias) {
    return db.inTransaction(
        tx -> {
          if (!ModelCatalog.exists(tx.connection(), model)) {
            throw ModelCatalog.notFound(model);
          }
          return load(tx.connection(), model, alias).orElseThrow(() -> notFound(model, alias));
        });
  }

  /** Every alias of a model, by name; {@link StoreRefusal.NotFound} for an unknown model. */
  List<AliasBinding> listAliases(String model) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (!ModelCatalog.exists(c, model)) {
            throw ModelCatalog.notFound(model);
          }
          return Sql.list(
              c,
              "SELECT model_name, alias, version, updated_at_ms FROM aliases"
                  + " WHERE model_name = ? ORDER BY alias",
              AliasCatalog::row,
              model);
        });
  }

  static Optional<AliasBinding> load(Connection c, String model, String alias) throws SQLException {
    return Sql.first(
        c,
        "SELECT model_name, alias, version, updated_at_ms FROM aliases"
            + " WHERE model_name = ? AND alias = ?",
        AliasCatalog::row,
        model,
        alias);
  }

  private static AliasBinding row(java.sql.ResultSet rs) throws SQLException {
    return new AliasBinding(
        rs.getString("model_name"),
        rs.getString("alias"),
        rs.getInt("version"),
        Instant.ofEpochMilli(rs.getLong("updated_at_ms")));
  }

  static StoreRefusal notFound(String model, String alias) {
    return StoreRefusal.notFound(
        "alias", "alias '" + alias + "' of model '" + model + "' not found");
  }
}
