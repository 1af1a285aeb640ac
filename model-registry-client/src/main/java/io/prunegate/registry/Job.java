package io.prunegate.registry;

import java.time.Instant;
import java.util.Map;

/**
 * A compression job as the registry records it.
 *
 * @param id job id (UUID)
 * @param model model to compress
 * @param version version to compress
 * @param method compression method
 * @param parameters the method's parameters
 * @param state where the job is
 * @param workerId the worker that claimed it last, or null
 * @param attempts how many times it was claimed
 * @param leaseExpiresAt when the current claim lapses unless renewed by progress, or null
 * @param progress fraction done, 0..1
 * @param message the last progress message, or null
 * @param result what a finished job produced (e.g. the registered variant), or empty
 * @param error why a failed job failed, or null
 * @param idempotencyKey the key it was created with, or null
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Job(
    String id,
    String model,
    int version,
    String method,
    Map<String, Object> parameters,
    JobState state,
    String workerId,
    int attempts,
    Instant leaseExpiresAt,
    double progress,
    String message,
    Map<String, Object> result,
    String error,
    String idempotencyKey,
    Instant createdAt,
    Instant updatedAt) {

  public Job {
    parameters = JsonMaps.object(parameters);
    result = JsonMaps.object(result);
  }
}
