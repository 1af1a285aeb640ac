package io.prunegate.gateway.variant;

/**
 * A registry version of a model: what the gateway loads once and may serve under several aliases.
 */
public record VariantKey(String model, int version) {

  @Override
  public String toString() {
    return model + ":" + version;
  }
}
