package io.prunegate.registry.store;

import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/**
 * A model row locked ({@code SELECT ... FOR UPDATE}) for the rest of a transaction. Holding the
 * lock is what makes version numbers gapless and event sequences ordered: every transaction that
 * numbers a version or appends an event for a model takes this lock first, so they serialize per
 * model and a number is only used when its transaction commits.
 */
public final class LockedModel {

  private final Tx tx;
  private final String name;
  private int nextVersion;
  private long eventSeq;

  private LockedModel(Tx tx, String name, int nextVersion, long eventSeq) {
    this.tx = tx;
    this.name = name;
    this.nextVersion = nextVersion;
    this.eventSeq = eventSeq;
  }

  /** Locks model {@code name}; {@link StoreRefusal.NotFound} when there is no such model. */
  public static LockedModel lock(Tx tx, String name) throws SQLException {
    return Sql.first(
            tx.connection(),
            "SELECT next_version, event_seq FROM models WHERE name = ? FOR UPDATE",
            rs -> new LockedModel(tx, name, rs.getInt(1), rs.getLong(2)),
            name)
        .orElseThrow(() -> StoreRefusal.notFound("model", "model '" + name + "' not found"));
  }

  /** A model row inserted by this very transaction (which therefore holds its lock). */
  static LockedModel inserted(Tx tx, String name) {
    return new LockedModel(tx, name, 1, 0);
  }

  public String name() {
    return name;
  }

  /** The number the next version will get. */
  public int nextVersion() {
    return nextVersion;
  }

  /** Hands out the next version number. */
  public int takeVersionNumber() throws SQLException {
    int v = nextVersion++;
    Sql.update(
        tx.connection(), "UPDATE models SET next_version = ? WHERE name = ?", nextVersion, name);
    return v;
  }

  /** Appends an event of this model to the outbox with the model's next sequence number. */
  public ModelEvent emit(
      ModelEventType type,
      Integer version,
      String alias,
      Integer parentVersion,
      String method,
      String jobId,
      Map<String, Object> details)
      throws SQLException {
    eventSeq++;
    Sql.update(tx.connection(), "UPDATE models SET event_seq = ? WHERE name = ?", eventSeq, name);
    ModelEvent event =
        new ModelEvent(
            UUID.randomUUID().toString(),
            ModelEvent.SCHEMA_VERSION,
            type.wireName(),
            tx.now(),
            eventSeq,
            name,
            version,
            alias,
            parentVersion,
            method,
            jobId,
            details);
    OutboxTable.append(tx, event);
    return event;
  }
}
