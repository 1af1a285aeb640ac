package io.prunegate.registry.store;

import java.sql.Connection;

/**
 * One database transaction in progress: its connection and the single timestamp every row it writes
 * carries. Work that appends outbox events marks the transaction so that the relay is woken once it
 * commits.
 */
public final class Tx {

  private final Connection connection;
  private final long now;
  private boolean events;

  Tx(Connection connection, long now) {
    this.connection = connection;
    this.now = now;
  }

  public Connection connection() {
    return connection;
  }

  /** The transaction's timestamp, Unix epoch milliseconds. */
  public long now() {
    return now;
  }

  /** Records that this transaction wrote outbox events. */
  void markEvents() {
    events = true;
  }

  boolean wroteEvents() {
    return events;
  }
}
