package io.prunegate.registry;

/**
 * Filters and page of a job listing; all filters optional, combined with AND. Jobs are listed
 * oldest first.
 */
public record JobQuery(
    JobState state,
    String model,
    Integer version,
    String method,
    String workerId,
    int limit,
    int offset) {

  public JobQuery {
    if (limit < 1 || limit > Page.MAX_LIMIT) {
      throw RegistryProblem.invalid(
          "limit", "limit must be between 1 and " + Page.MAX_LIMIT + ", was " + limit);
    }
    if (offset < 0) {
      throw RegistryProblem.invalid("offset", "offset must be >= 0, was " + offset);
    }
  }

  /** Every job, first page. */
  public static JobQuery all() {
    return new JobQuery(null, null, null, null, null, Page.DEFAULT_LIMIT, 0);
  }

  public JobQuery withState(JobState value) {
    return new JobQuery(value, model, version, method, workerId, limit, offset);
  }

  public JobQuery withModel(String value) {
    return new JobQuery(state, value, version, method, workerId, limit, offset);
  }

  public JobQuery page(int newLimit, int newOffset) {
    return new JobQuery(state, model, version, method, workerId, newLimit, newOffset);
  }
}
