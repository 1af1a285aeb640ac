package io.prunegate.registry.store;

/** The database failed in a way the request cannot fix (connection lost, constraint bug). */
public final class StoreException extends RuntimeException {

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
