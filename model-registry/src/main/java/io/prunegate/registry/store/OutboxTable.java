package io.prunegate.registry.store;

import io.prunegate.events.EventCodec;
import io.prunegate.events.ModelEvent;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The transactional outbox: events are appended in the same transaction as the change they
 * announce, and read back by the relay in id order. Within one model, ids follow the event sequence
 * because every writer holds the model's row lock while it appends (see {@link LockedModel}).
 */
public final class OutboxTable {

  /**
   * Largest encoded event kept whole. Bigger ones (huge metrics) drop their bulky details and say
   * so, so that one event can never exceed Kafka's message size and block its model's stream.
   */
  static final int MAX_PAYLOAD_BYTES = 512 * 1024;

  /** One stored event. */
  public record Row(
      long id, String eventId, String model, long modelSeq, String type, byte[] payload) {}

  private OutboxTable() {}

  /** Appends {@code event} to the outbox in {@code tx}. */
  public static void append(Tx tx, ModelEvent event) throws SQLException {
    byte[] payload = EventCodec.get().encode(event);
    if (payload.length > MAX_PAYLOAD_BYTES) {
      Map<String, Object> details = new LinkedHashMap<>();
      event
          .details()
          .forEach(
              (k, v) -> {
                if (v == null
                    || v instanceof String
                    || v instanceof Number
                    || v instanceof Boolean) {
                  details.put(k, v);
                }
              });
      details.put("details_truncated", true);
      payload =
          EventCodec.get()
              .encode(
                  new ModelEvent(
                      event.eventId(),
                      event.schemaVersion(),
                      event.type(),
                      event.occurredAtMs(),
                      event.sequence(),
                      event.model(),
                      event.version(),
                      event.alias(),
                      event.parentVersion(),
                      event.method(),
                      event.jobId(),
                      details));
    }
    Sql.update(
        tx.connection(),
        "INSERT INTO outbox (event_id, model_name, model_seq, event_type, payload, created_at_ms)"
            + " VALUES (?, ?, ?, ?, ?, ?)",
        event.eventId(),
        event.model(),
        event.sequence(),
        event.type(),
        new String(payload, StandardCharsets.UTF_8),
        tx.now());
    tx.markEvents();
  }

  /** The oldest {@code limit} events not yet acknowledged by Kafka, in id order. */
  public static List<Row> unpublished(Connection c, int limit) throws SQLException {
    return Sql.list(
        c,
        "SELECT id, event_id, model_name, model_seq, event_type, payload FROM outbox"
            + " WHERE published_at_ms IS NULL ORDER BY id LIMIT ?",
        rs ->
            new Row(
                rs.getLong("id"),
                rs.getString("event_id"),
                rs.getString("model_name"),
                rs.getLong("model_seq"),
                rs.getString("event_type"),
                rs.getString("payload").getBytes(StandardCharsets.UTF_8)),
        limit);
  }

  /** Marks events as acknowledged by Kafka. */
  public static void markPublished(Connection c, List<Long> ids, long now) throws SQLException {
    for (int from = 0; from < ids.size(); from += 500) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
      Object[] params = new Object[chunk.size() + 1];
      params[0] = now;
      for (int i = 0; i < chunk.size(); i++) {
        params[i + 1] = chunk.get(i);
      }
      Sql.update(
          c,
          "UPDATE outbox SET published_at_ms = ? WHERE id IN ("
              + Sql.placeholders(chunk.size())
              + ")",
          params);
    }
  }

  /** How many events wait for Kafka. */
  public static long countUnpublished(Connection c) throws SQLException {
    return Sql.count(c, "SELECT COUNT(*) FROM outbox WHERE published_at_ms IS NULL");
  }

  /** How many events were ever written. */
  public static long countAll(Connection c) throws SQLException {
    return Sql.count(c, "SELECT COUNT(*) FROM outbox");
  }

  /** Deletes events published before {@code beforeMs}; returns how many. */
  public static int purgePublished(Connection c, long beforeMs) throws SQLException {
    return Sql.update(
        c,
        "DELETE FROM outbox WHERE published_at_ms IS NOT NULL AND published_at_ms < ?",
        beforeMs);
  }
}
