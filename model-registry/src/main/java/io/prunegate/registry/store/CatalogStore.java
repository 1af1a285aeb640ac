package io.prunegate.registry.store;

import io.prunegate.events.ModelRef;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.VersionJson.ArtifactClaim;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Models, versions (with their artifacts, tags and lineage) and aliases in the JDBC store. Every
 * change takes the model's row lock ({@link LockedModel}) and writes its event to the outbox in the
 * same transaction. Version numbers are handed out in the creating transaction, so they are gapless
 * per model; a version only exists once every artifact it names is in the artifact store. The work
 * is split by feature ({@link ModelCatalog}, {@link VersionCatalog}, {@link AliasCatalog}, sharing
 * the row readers of {@link VersionRows}); this class is their one public face.
 */
public final class CatalogStore {

  private final Database db;
  private final ModelCatalog models;
  private final VersionCatalog versions;
  private final AliasCatalog aliases;

  public CatalogStore(Database db, BlobLookup blobs) {
    this.db = db;
    this.models = new ModelCatalog(db);
    this.versions = new VersionCatalog(db, blobs);
    this.aliases = new AliasCatalog(db);
  }

  public Database database() {
    return db;
  }

  /**
   * Registers a model; {@link StoreRefusal.Conflict} when the name is taken. Announces {@code
   * model.created}.
   */
  public RegisteredModel createModel(NewModel m) {
    return models.createModel(m);
  }

  /** The model; {@link StoreRefusal.NotFound} when there is none. */
  public RegisteredModel getModel(String name) {
    return models.getModel(name);
  }

  /** Models matching the query, by name. */
  public Page<RegisteredModel> listModels(ModelQuery q) {
    return models.listModels(q);
  }

  /**
   * Creates the next version of {@code model}. With an idempotency key that an earlier create of
   * this model used, returns that version instead ({@code created == false}). {@link
   * StoreRefusal.NotFound} for an unknown model; {@link StoreRefusal.Unprocessable} for an unknown
   * parent version, a blob that was not uploaded, or a size that does not match the blob. Announces
   * {@code model.registered} (no parent) or {@code variant.registered}.
   */
  public Created<ModelVersion> createVersion(
      String model, VersionSpec spec, List<ArtifactClaim> claims) {
    return versions.createVersion(model, spec, claims);
  }

  /**
   * The version with its lineage chain; {@link StoreRefusal.NotFound} for an unknown model or
   * version.
   */
  public ModelVersion getVersion(String model, int version) {
    return versions.getVersion(model, version);
  }

  /**
   * Sets tag {@code key} of a version to {@code value}, or removes it when {@code value} is null;
   * returns the version as it is now. {@link StoreRefusal.NotFound} for an unknown model or
   * version, and for removing a tag the version does not have. Announces {@code version.tagged}
   * when the tag changed.
   */
  public ModelVersion setTag(String model, int version, String key, String value) {
    return versions.setTag(model, version, key, value);
  }

  /** Versions matching the query, by model name and version number. */
  public Page<ModelVersion> listVersions(VersionQuery q) {
    return versions.listVersions(q);
  }

  /**
   * Points {@code alias} at {@code version} (creating or moving it). {@link StoreRefusal.NotFound}
   * for an unknown model, {@link StoreRefusal.Unprocessable} for an unknown version. Announces
   * {@code alias.moved} when the alias changed.
   */
  public AliasBinding setAlias(String model, String alias, int version) {
    return aliases.setAlias(model, alias, version);
  }

  /**
   * Removes an alias; {@link StoreRefusal.NotFound} when the model or alias does not exist.
   * Announces {@code alias.deleted}.
   */
  public AliasBinding deleteAlias(String model, String alias) {
    return aliases.deleteAlias(model, alias);
  }

  /** The alias; {@link StoreRefusal.NotFound} when the model or alias does not exist. */
  public AliasBinding getAlias(String model, String alias) {
    return aliases.getAlias(model, alias);
  }

  /** Every alias of a model, by name; {@link StoreRefusal.NotFound} for an unknown model. */
  public List<AliasBinding> listAliases(String model) {
    return aliases.listAliases(model);
  }

  /**
   * The version a reference means: {@code name:version}, {@code name@alias}, or a bare name (the
   * {@code champion} alias). {@link StoreRefusal.NotFound} when the model, version or alias does
   * not exist.
   */
  public ModelVersion resolve(ModelRef ref) {
    if (ref.version() != null) {
      return getVersion(ref.name(), ref.version());
    }
    String alias = ref.effectiveAlias().orElseThrow();
    return getVersion(ref.name(), getAlias(ref.name(), alias).version());
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
}
