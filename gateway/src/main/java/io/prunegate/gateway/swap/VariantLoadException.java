package io.prunegate.gateway.swap;

/** A version could not be downloaded, verified, loaded or warmed up; the old routes stay. */
public final class VariantLoadException extends RuntimeException {

  public VariantLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
