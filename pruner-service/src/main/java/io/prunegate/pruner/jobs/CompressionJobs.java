package io.prunegate.pruner.jobs;

import io.prunegate.events.ModelEvent;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.PolicyException;
import io.prunegate.registry.Job;
import io.prunegate.registry.NewJob;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How compression jobs look in the registry's job queue: method {@value #METHOD}, parameters {@code
 * {"policy": {...}, "event_id": ...}} (the whole policy is copied into the job, so a job retried
 * after a restart or claimed by another replica runs the policy it was created with), and the
 * triggering event's id as idempotency key, so a redelivered event never creates a second job.
 */
public final class CompressionJobs {

  /** The job method the pruner creates and claims. */
  public static final String METHOD = "compress";

  /** Job parameter holding the policy. */
  public static final String POLICY = "policy";

  /** Job parameter holding the id of the event that created the job. */
  public static final String EVENT_ID = "event_id";

  private CompressionJobs() {}

  /** The job for a {@code model.registered} event: idempotency key = the event id. */
  public static NewJob forEvent(ModelEvent event, CompressionPolicy policy) {
    if (event.version() == null) {
      throw new IllegalArgumentException("event " + event.eventId() + " names no version");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(POLICY, policy.toMap());
    params.put(EVENT_ID, event.eventId());
    return new NewJob(event.model(), event.version(), METHOD, params, event.eventId());
  }

  /**
   * A job asked for directly (CLI {@code pruner submit}, a re-run): {@code policy} as JSON, as
   * given (it is checked when the job runs, so a bad policy becomes a failed job with the reason).
   */
  public static NewJob submitted(
      String model, int version, Map<String, Object> policy, String idempotencyKey) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put(POLICY, policy);
    return new NewJob(model, version, METHOD, params, idempotencyKey);
  }

  /** The policy stored in a job; {@link PolicyException} when it is missing or invalid. */
  public static CompressionPolicy policyOf(Job job) {
    return CompressionPolicy.fromMap(job.parameters().get(POLICY));
  }
}
