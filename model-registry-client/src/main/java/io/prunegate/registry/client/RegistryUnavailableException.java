package io.prunegate.registry.client;

/** The registry could not be reached (or a transfer kept breaking) after every retry. */
public class RegistryUnavailableException extends RuntimeException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
