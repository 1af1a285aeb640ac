package io.prunegate.registry.api;

/** Who may call a route. */
public enum Access {
  /** Anyone: health and liveness. */
  OPEN,
  /** Anyone when reads are open, else a read or write token. */
  READ,
  /** A write token. */
  WRITE
}
