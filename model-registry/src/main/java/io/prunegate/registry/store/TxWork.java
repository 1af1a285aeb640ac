package io.prunegate.registry.store;

import java.sql.SQLException;

/** Work done inside one transaction; it may run more than once when the database asks to retry. */
@FunctionalInterface
public interface TxWork<T> {
  T run(Tx tx) throws SQLException;
}
