package io.prunegate.registry;

import java.util.Map;
import java.util.Objects;

/**
 * A compression job to create: compress {@code model:version} with {@code method} and {@code
 * parameters}. Repeating a create with the same idempotency key returns the job the first request
 * created.
 */
public record NewJob(
    String model,
    int version,
    String method,
    Map<String, Object> parameters,
    String idempotencyKey) {

  public NewJob {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(method, "method");
    parameters = JsonMaps.object(parameters);
  }
}
