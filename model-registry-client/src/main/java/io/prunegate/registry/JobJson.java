package io.prunegate.registry;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the registry's jobs API (jobs, their creation, and the workers' claim, progress,
 * finish and fail bodies, and the admin GC body), shared by server and client like {@link
 * RegistryJson}, whose shared readers it uses: request readers are strict and name the field.
 */
public final class JobJson {

  private JobJson() {}

  private record JobWire(
      String id,
      String model,
      Long version,
      String method,
      Map<String, Object> parameters,
      String state,
      String workerId,
      Long attempts,
      String leaseExpiresAt,
      Double progress,
      String message,
      Map<String, Object> result,
      String error,
      String idempotencyKey,
      String createdAt,
      String updatedAt) {}

  private record NewJobWire(
      String model,
      Long version,
      String method,
      Map<String, Object> parameters,
      @JsonInclude(NON_NULL) String idempotencyKey) {}

  private record ProgressWire(String workerId, Double progress, String message) {}

  private record FinishWire(String workerId, Map<String, Object> result) {}

  private record FailWire(String workerId, String error) {}

  private record ClaimWire(String workerId, Long leaseSeconds, List<String> methods) {}

  private record GcWire(Long graceSeconds, Boolean dryRun) {}

  /** The JSON of a job. */
  public static ObjectNode job(Job j) {
    return RegistryMapper.MAPPER.valueToTree(
        new JobWire(
            j.id(),
            j.model(),
            (long) j.version(),
            j.method(),
            j.parameters(),
            j.state().wireName(),
            j.workerId(),
            (long) j.attempts(),
            RegistryJson.time(j.leaseExpiresAt()),
            j.progress(),
            j.message(),
            j.result(),
            j.error(),
            j.idempotencyKey(),
            RegistryJson.time(j.createdAt()),
            RegistryJson.time(j.updatedAt())));
  }

  /** Reads a job from a response. */
  public static Job readJob(JsonNode node) {
    JobWire w = RegistryMapper.bind(node, JobWire.class, false);
    String stateName = RegistryJson.required(w.state(), "state");
    JobState state =
        JobState.fromWire(stateName)
            .orElseThrow(() -> RegistryProblem.invalid("state", "unknown state " + stateName));
    Integer attempts = RegistryJson.optionalInt(w.attempts(), "attempts");
    return new Job(
        RegistryJson.required(w.id(), "id"),
        RegistryJson.required(w.model(), "model"),
        RegistryJson.requiredInt(w.version(), "version"),
        RegistryJson.required(w.method(), "method"),
        w.parameters(),
        state,
        w.workerId(),
        attempts == null ? 0 : attempts,
        RegistryJson.readTime(w.leaseExpiresAt(), "lease_expires_at"),
        w.progress() == null ? 0 : w.progress(),
        w.message(),
        w.result(),
        w.error(),
        w.idempotencyKey(),
        RegistryJson.readTime(w.createdAt(), "created_at"),
        RegistryJson.readTime(w.updatedAt(), "updated_at"));
  }

  /** The body of a job creation. */
  public static ObjectNode newJobRequest(NewJob j) {
    return RegistryMapper.MAPPER.valueToTree(
        new NewJobWire(
            j.model(), (long) j.version(), j.method(), j.parameters(), j.idempotencyKey()));
  }

  /** Reads and validates a job creation. */
  public static NewJob readNewJobRequest(JsonNode node) {
    NewJobWire w = RegistryMapper.bind(node, NewJobWire.class, true);
    String model =
        NameRules.requireName(RegistryJson.required(w.model(), "model"), "model", "model name");
    int version = RegistryJson.requiredInt(w.version(), "version");
    if (version < 1) {
      throw RegistryProblem.invalid("version", "must be >= 1, was " + version);
    }
    String method =
        NameRules.requireName(RegistryJson.required(w.method(), "method"), "method", "method");
    return new NewJob(
        model,
        version,
        method,
        w.parameters(),
        RegistryJson.idempotencyKey(w.idempotencyKey(), "idempotency_key"));
  }

  /** Checks a worker id: 1..256 printable ASCII characters. */
  public static String workerId(String id, String field) {
    if (id == null) {
      throw RegistryProblem.invalid(field, "is required");
    }
    if (id.isEmpty() || id.length() > 256 || !id.chars().allMatch(c -> c > 32 && c < 127)) {
      throw RegistryProblem.invalid(field, "a worker id has 1..256 printable ASCII chars");
    }
    return id;
  }

  /** A progress report: who reports, the fraction done (required) and a message. */
  public record ProgressRequest(String workerId, double progress, String message) {}

  /** Reads {@code {"worker_id", "progress", "message"}}. */
  public static ProgressRequest readProgressRequest(JsonNode node) {
    ProgressWire w = RegistryMapper.bind(node, ProgressWire.class, true);
    if (w.progress() == null) {
      throw RegistryProblem.invalid("progress", "is required");
    }
    return new ProgressRequest(
        workerId(w.workerId(), "worker_id"),
        w.progress(),
        RegistryJson.atMost(w.message(), "message", 4096));
  }

  /** A job's finish: who finishes it and its result (empty when absent). */
  public record FinishRequest(String workerId, Map<String, Object> result) {

    public FinishRequest {
      result = JsonMaps.object(result);
    }
  }

  /** Reads {@code {"worker_id", "result"}}. */
  public static FinishRequest readFinishRequest(JsonNode node) {
    FinishWire w = RegistryMapper.bind(node, FinishWire.class, true);
    return new FinishRequest(workerId(w.workerId(), "worker_id"), w.result());
  }

  /** A job's failure: who fails it and why. */
  public record FailRequest(String workerId, String error) {}

  /** Reads {@code {"worker_id", "error"}}; the error is required and not blank. */
  public static FailRequest readFailRequest(JsonNode node) {
    FailWire w = RegistryMapper.bind(node, FailWire.class, true);
    String error = RegistryJson.atMost(w.error(), "error", 8192);
    if (error == null || error.isBlank()) {
      throw RegistryProblem.invalid("error", "is required");
    }
    return new FailRequest(workerId(w.workerId(), "worker_id"), error);
  }

  /**
   * A claim: who claims, for how long (null for the server's default) and which methods it runs
   * (empty for any).
   */
  public record ClaimRequest(String workerId, Integer leaseSeconds, List<String> methods) {

    public ClaimRequest {
      methods = JsonMaps.list(methods);
    }
  }

  /** Reads {@code {"worker_id", "lease_seconds", "methods"}}; method names are not checked here. */
  public static ClaimRequest readClaimRequest(JsonNode node) {
    ClaimWire w = RegistryMapper.bind(node, ClaimWire.class, true);
    String worker = workerId(w.workerId(), "worker_id");
    return new ClaimRequest(
        worker,
        RegistryJson.optionalInt(w.leaseSeconds(), "lease_seconds"),
        RegistryJson.strings(w.methods(), "methods"));
  }

  /**
   * A garbage collection: the grace period in seconds and whether to only report; both optional.
   */
  public record GcRequest(Long graceSeconds, Boolean dryRun) {}

  /** Reads {@code {"grace_seconds", "dry_run"}}. */
  public static GcRequest readGcRequest(JsonNode node) {
    GcWire w = RegistryMapper.bind(node, GcWire.class, true);
    return new GcRequest(w.graceSeconds(), w.dryRun());
  }
}
