package io.prunegate.registry.jobs;

import io.prunegate.events.ModelEventType;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.store.Created;
import io.prunegate.registry.store.Database;
import io.prunegate.registry.store.LockedModel;
import io.prunegate.registry.store.Sql;
import io.prunegate.registry.store.StoreRefusal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The pruner's job queue in the registry database. A claim hands the oldest pending job (or a
 * claimed job whose lease expired: its worker is presumed dead) to one worker with a lease;
 * progress renews the lease; finish and fail end the job. A claim is a compare-and-set on the job's
 * attempt counter, taken under the model's row lock, so two workers never get the same job on
 * either backend. State changes are announced through the outbox ({@code job.*} events).
 */
public final class JobStore {

  private static final int MAX_CLAIM_ROUNDS = 64;

  private final Database db;

  public JobStore(Database db) {
    this.db = db;
  }

  /**
   * Creates a pending job. With an idempotency key used before, returns that job ({@code created ==
   * false}); {@link StoreRefusal.Conflict} when the key was used for a different model, version or
   * method; {@link StoreRefusal.Unprocessable} for an unknown model or version.
   */
  public Created<Job> create(NewJob j) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          if (Sql.count(c, "SELECT COUNT(*) FROM models WHERE name = ?", j.model()) == 0) {
            throw new StoreRefusal.Unprocessable(
                "model", "model '" + j.model() + "' does not exist");
          }
          LockedModel lock = LockedModel.lock(tx, j.model());
          if (j.idempotencyKey() != null) {
            Optional<Job> existing =
                Sql.first(
                    c,
                    "SELECT * FROM jobs WHERE idempotency_key = ?",
                    JobStore::job,
                    j.idempotencyKey());
            if (existing.isPresent()) {
              Job e = existing.get();
              if (!e.model().equals(j.model())
                  || e.version() != j.version()
                  || !e.method().equals(j.method())) {
                throw new StoreRefusal.Conflict(
                    "idempotency_key",
                    "idempotency key already used for job "
                        + e.id()
                        + " of another model/version/method");
              }
              return new Created<>(e, false);
            }
          }
          if (Sql.count(
                  c,
                  "SELECT COUNT(*) FROM model_versions WHERE model_name = ? AND version = ?",
                  j.model(),
                  j.version())
              == 0) {
            throw new StoreRefusal.Unprocessable(
                "version",
                "version " + j.version() + " of model '" + j.model() + "' does not exist");
          }
          String id = UUID.randomUUID().toString();
          try {
            Sql.update(
                c,
                "INSERT INTO jobs (id, model_name, version, method, parameters_json, state, attempts,"
                    + " progress, idempotency_key, created_at_ms, updated_at_ms)"
                    + " VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
                id,
                j.model(),
                j.version(),
                j.method(),
                json(j.parameters()),
                JobState.PENDING.wireName(),
                j.idempotencyKey(),
                tx.now(),
                tx.now());
          } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
              throw new StoreRefusal.Conflict(
                  "idempotency_key", "idempotency key is being used by a concurrent request");
            }
            throw e;
          }
          Job job = load(c, id).orElseThrow();
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("state", job.state().wireName());
          details.put("parameters", job.parameters());
          lock.emit(
              ModelEventType.JOB_CREATED, job.version(), null, null, job.method(), id, details);
          return new Created<>(job, true);
        });
  }

  /**
   * Claims the oldest claimable job for {@code workerId} with a lease of {@code lease}: a pending
   * job, or a claimed one whose lease has expired. With {@code methods} non-empty, only jobs of
   * those methods. Empty when there is none.
   */
  public Optional<Job> claim(String workerId, Duration lease, Set<String> methods) {
    if (lease.isNegative() || lease.isZero()) {
      throw new StoreRefusal.Invalid("lease_seconds", "lease must be positive");
    }
    for (int round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      Optional<Optional<Job>> outcome =
          db.inTransaction(tx -> tryClaim(tx, workerId, lease, methods));
      if (outcome.isPresent()) {
        return outcome.get();
      }
    }
    // Lost every race: the queue is heavily contended; the worker polls again.
    return Optional.empty();
  }

  /** Empty when another worker won the race for the candidate (try again). */
  private Optional<Optional<Job>> tryClaim(
      io.prunegate.registry.store.Tx tx, String workerId, Duration lease, Set<String> methods)
      throws SQLException {
    Connection c = tx.connection();
    long now = tx.now();
    StringBuilder sql =
        new StringBuilder(
            "SELECT id, model_name, attempts, worker_id FROM jobs WHERE (state = ? OR (state = ?"
                + " AND lease_expires_at_ms < ?))");
    List<Object> params =
        new ArrayList<>(List.of(JobState.PENDING.wireName(), JobState.CLAIMED.wireName(), now));
    if (!methods.isEmpty()) {
      sql.append(" AND method IN (").append(Sql.placeholders(methods.size())).append(")");
      params.addAll(methods);
    }
    sql.append(" ORDER BY queue_seq LIMIT 1");
    Optional<Object[]> candidate =
        Sql.first(
            c,
            sql.toString(),
            rs -> new Object[] {rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4)},
            params.toArray());
    if (candidate.isEmpty()) {
      return Optional.of(Optional.empty());
    }
    String id = (String) candidate.get()[0];
    String model = (String) candidate.get()[1];
    int attempts = (Integer) candidate.get()[2];
    String previousWorker = (String) candidate.get()[3];
    LockedModel lock = LockedModel.lock(tx, model);
    int changed =
        Sql.update(
            c,
            "UPDATE jobs SET state = ?, worker_id = ?, attempts = attempts + 1, lease_ms = ?,"
                + " lease_expires_at_ms = ?, progress = 0, message = NULL, updated_at_ms = ?"
                + " WHERE id = ? AND attempts = ? AND (state = ? OR (state = ? AND"
                + " lease_expires_at_ms < ?))",
            JobState.CLAIMED.wireName(),
            workerId,
            lease.toMillis(),
            now + lease.toMillis(),
            now,
            id,
            attempts,
            JobState.PENDING.wireName(),
            JobState.CLAIMED.wireName(),
            now);
    if (changed == 0) {
      return Optional.empty();
    }
    Job job = load(c, id).orElseThrow();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("state", job.state().wireName());
    details.put("worker_id", workerId);
    details.put("attempts", job.attempts());
    details.put("lease_expires_at_ms", now + lease.toMillis());
    if (previousWorker != null) {
      details.put("previous_worker_id", previousWorker);
    }
    lock.emit(ModelEventType.JOB_CLAIMED, job.version(), null, null, job.method(), id, details);
    return Optional.of(Optional.of(job));
  }

  /**
   * Records progress (fraction 0..1 and a message) and renews the lease by the claim's lease
   * duration. {@link StoreRefusal.NotFound} for an unknown job; {@link StoreRefusal.Conflict} when
   * {@code workerId} does not hold it; {@link StoreRefusal.Invalid} for a fraction outside 0..1.
   */
  public Job progress(String id, String workerId, double fraction, String message) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new StoreRefusal.Invalid("progress", "progress must be between 0 and 1");
    }
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          int changed =
              Sql.update(
                  c,
                  "UPDATE jobs SET progress = ?, message = ?, lease_expires_at_ms = ? + lease_ms,"
                      + " updated_at_ms = ? WHERE id = ? AND state = ? AND worker_id = ?",
                  fraction,
                  message,
                  tx.now(),
                  tx.now(),
                  id,
                  JobState.CLAIMED.wireName(),
                  workerId);
          Job job = load(c, id).orElseThrow(() -> jobNotFound(id));
          if (changed == 0) {
            throw notHeld(job, workerId);
          }
          return job;
        });
  }

  /**
   * Finishes a job with its result. Repeating the call by the same worker returns the finished job
   * unchanged. {@link StoreRefusal.NotFound} for an unknown job; {@link StoreRefusal.Conflict} when
   * {@code workerId} does not hold it.
   */
  public Job finish(String id, String workerId, Map<String, Object> result) {
    return end(id, workerId, JobState.FINISHED, result, null);
  }

  /**
   * Fails a job with a reason. Repeating the call by the same worker returns the failed job
   * unchanged. {@link StoreRefusal.NotFound} for an unknown job; {@link StoreRefusal.Conflict} when
   * {@code workerId} does not hold it.
   */
  public Job fail(String id, String workerId, String error) {
    return end(id, workerId, JobState.FAILED, Map.of(), error);
  }

  private Job end(
      String id, String workerId, JobState target, Map<String, Object> result, String error) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          Job before = load(c, id).orElseThrow(() -> jobNotFound(id));
          LockedModel lock = LockedModel.lock(tx, before.model());
          int changed =
              Sql.update(
                  c,
                  "UPDATE jobs SET state = ?, result_json = ?, error = ?, lease_expires_at_ms = NULL,"
                      + " progress = ?,"
                      + " updated_at_ms = ? WHERE id = ? AND state = ? AND worker_id = ?",
                  target.wireName(),
                  json(result),
                  error,
                  target == JobState.FINISHED ? 1.0 : before.progress(),
                  tx.now(),
                  id,
                  JobState.CLAIMED.wireName(),
                  workerId);
          Job job = load(c, id).orElseThrow();
          if (changed == 0) {
            if (job.state() == target && workerId.equals(job.workerId())) {
              return job;
            }
            throw notHeld(job, workerId);
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("state", target.wireName());
          details.put("worker_id", workerId);
          details.put("attempts", job.attempts());
          if (target == JobState.FINISHED) {
            details.put("result", job.result());
          } else {
            details.put("error", error);
          }
          lock.emit(
              target == JobState.FINISHED ? ModelEventType.JOB_FINISHED : ModelEventType.JOB_FAILED,
              job.version(),
              null,
              null,
              job.method(),
              id,
              details);
          return job;
        });
  }

  /** The job; {@link StoreRefusal.NotFound} when there is none. */
  public Job get(String id) {
    return db.inTransaction(tx -> load(tx.connection(), id)).orElseThrow(() -> jobNotFound(id));
  }

  /** Jobs matching the query, oldest first. */
  public Page<Job> list(JobQuery q) {
    return db.inTransaction(
        tx -> {
          Connection c = tx.connection();
          StringBuilder where = new StringBuilder(" WHERE 1 = 1");
          List<Object> params = new ArrayList<>();
          if (q.state() != null) {
            where.append(" AND state = ?");
            params.add(q.state().wireName());
          }
          if (q.model() != null) {
            where.append(" AND model_name = ?");
            params.add(q.model());
          }
          if (q.version() != null) {
            where.append(" AND version = ?");
            params.add(q.version());
          }
          if (q.method() != null) {
            where.append(" AND method = ?");
            params.add(q.method());
          }
          if (q.workerId() != null) {
            where.append(" AND worker_id = ?");
            params.add(q.workerId());
          }
          long total = Sql.count(c, "SELECT COUNT(*) FROM jobs" + where, params.toArray());
          params.add(q.limit());
          params.add(q.offset());
          List<Job> items =
              Sql.list(
                  c,
                  "SELECT * FROM jobs" + where + " ORDER BY queue_seq LIMIT ? OFFSET ?",
                  JobStore::job,
                  params.toArray());
          return new Page<>(items, total, q.limit(), q.offset());
        });
  }

  /** How many jobs are in each state (states without jobs absent); one grouped query. */
  public Map<JobState, Long> countByState() {
    return db.inTransaction(
        tx -> {
          Map<JobState, Long> counts = new EnumMap<>(JobState.class);
          for (Object[] row :
              Sql.list(
                  tx.connection(),
                  "SELECT state, COUNT(*) FROM jobs GROUP BY state",
                  rs -> new Object[] {rs.getString(1), rs.getLong(2)})) {
            JobState.fromWire((String) row[0]).ifPresent(s -> counts.put(s, (Long) row[1]));
          }
          return counts;
        });
  }

  private static Optional<Job> load(Connection c, String id) throws SQLException {
    return Sql.first(c, "SELECT * FROM jobs WHERE id = ?", JobStore::job, id);
  }

  private static StoreRefusal.NotFound jobNotFound(String id) {
    return new StoreRefusal.NotFound("id", "job '" + id + "' not found");
  }

  private static StoreRefusal.Conflict notHeld(Job job, String workerId) {
    return switch (job.state()) {
      case PENDING ->
          new StoreRefusal.Conflict("worker_id", "job " + job.id() + " is not claimed by anyone");
      case CLAIMED ->
          new StoreRefusal.Conflict(
              "worker_id",
              "job "
                  + job.id()
                  + " is claimed by worker '"
                  + job.workerId()
                  + "', not '"
                  + workerId
                  + "'");
      case FINISHED, FAILED ->
          new StoreRefusal.Conflict(
              null, "job " + job.id() + " is already " + job.state().wireName());
    };
  }

  private static Job job(ResultSet rs) throws SQLException {
    Long lease = Sql.nullableLong(rs, "lease_expires_at_ms");
    String state = rs.getString("state");
    return new Job(
        rs.getString("id"),
        rs.getString("model_name"),
        rs.getInt("version"),
        rs.getString("method"),
        object(rs.getString("parameters_json")),
        JobState.fromWire(state)
            .orElseThrow(() -> new IllegalStateException("unknown job state " + state)),
        rs.getString("worker_id"),
        rs.getInt("attempts"),
        lease == null ? null : Instant.ofEpochMilli(lease),
        rs.getDouble("progress"),
        rs.getString("message"),
        object(rs.getString("result_json")),
        rs.getString("error"),
        rs.getString("idempotency_key"),
        Instant.ofEpochMilli(rs.getLong("created_at_ms")),
        Instant.ofEpochMilli(rs.getLong("updated_at_ms")));
  }

  private static String json(Object value) {
    return RegistryJson.writeString(RegistryJson.toTree(value));
  }

  private static Map<String, Object> object(String json) {
    if (json == null || json.isEmpty()) {
      return Map.of();
    }
    return RegistryJson.toMap(RegistryJson.parse(json.getBytes(StandardCharsets.UTF_8)));
  }
}
