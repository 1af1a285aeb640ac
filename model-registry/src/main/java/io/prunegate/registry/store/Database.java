package io.prunegate.registry.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's database: a connection pool over H2 (file, {@code MODE=PostgreSQL}) or PostgreSQL,
 * migrated by Flyway to the one schema both share, and a transaction runner that retries the work
 * when the database reports a transient conflict (deadlock, serialization failure, lock timeout).
 */
public final class Database implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);
  private static final int MAX_ATTEMPTS = 8;

  /** The two supported backends. */
  public enum Dialect {
    H2,
    POSTGRESQL;

    static Dialect of(String jdbcUrl) {
      String url = jdbcUrl.toLowerCase(Locale.ROOT);
      if (url.startsWith("jdbc:h2:")) {
        return H2;
      }
      if (url.startsWith("jdbc:postgresql:")) {
        return POSTGRESQL;
      }
      throw new IllegalArgumentException(
          "unsupported JDBC URL " + jdbcUrl + ": use jdbc:h2:... or jdbc:postgresql:...");
    }
  }

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final Clock clock;
  private final List<Runnable> commitListeners = new CopyOnWriteArrayList<>();
  // Transient conflicts (deadlock, serialization failure, lock timeout) run the work again after a
  // short randomized backoff: 5 ms doubling up to 320 ms, jittered so that rivals do not collide.
  private final Retry conflicts =
      Retry.of(
          "registry-transaction",
          RetryConfig.custom()
              .maxAttempts(MAX_ATTEMPTS)
              .intervalFunction(
                  IntervalFunction.ofExponentialRandomBackoff(
                      Duration.ofMillis(5), 2.0, 0.9, Duration.ofMillis(320)))
              .retryOnException(e -> e instanceof TransientConflict)
              .build());

  private Database(HikariDataSource pool, Dialect dialect, Clock clock) {
    this.pool = pool;
    this.dialect = dialect;
    this.clock = clock;
  }

  /** Opens a pool on {@code jdbcUrl} and migrates the schema. */
  public static Database open(String jdbcUrl, String user, String password, int poolSize) {
    return open(jdbcUrl, user, password, poolSize, Clock.systemUTC());
  }

  /** As {@link #open(String, String, String, int)}, with the clock transactions stamp rows with. */
  public static Database open(
      String jdbcUrl, String user, String password, int poolSize, Clock clock) {
    Dialect dialect = Dialect.of(jdbcUrl);
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(dialect == Dialect.H2 ? closedByOwner(jdbcUrl) : jdbcUrl);
    cfg.setUsername(user);
    cfg.setPassword(password);
    cfg.setMaximumPoolSize(poolSize);
    cfg.setMinimumIdle(Math.min(2, poolSize));
    cfg.setPoolName("registry-db");
    cfg.setConnectionTimeout(10_000);
    HikariDataSource pool = new HikariDataSource(cfg);
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:db/registry")
          .failOnMissingLocations(true)
          .load()
          .migrate();
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    LOG.info("registry database ready dialect={} url={}", dialect, redact(jdbcUrl));
    return new Database(pool, dialect, clock);
  }

  /**
   * An H2 URL with {@code DB_CLOSE_ON_EXIT=FALSE} unless it says otherwise: H2 would close the
   * database in its own JVM shutdown hook while the registry's hook still serves the last requests,
   * failing them with "Database is already closed"; the pool's close closes it, in order.
   */
  static String closedByOwner(String h2Url) {
    return h2Url.toUpperCase(Locale.ROOT).contains("DB_CLOSE_ON_EXIT=")
        ? h2Url
        : h2Url + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** The JDBC URL without credentials that might be embedded in it. */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
  }

  public Dialect dialect() {
    return dialect;
  }

  public DataSource dataSource() {
    return pool;
  }

  public Clock clock() {
    return clock;
  }

  /**
   * Publishes the pool's meters ({@code hikaricp_connections_*}, tagged {@code pool="registry-db"})
   * to {@code registry}; once per database, as Hikari refuses a second binding.
   */
  public void bindMetrics(MeterRegistry registry) {
    pool.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
  }

  /** Runs {@code listener} after every commit of a transaction that wrote outbox events. */
  public void onEventsCommitted(Runnable listener) {
    commitListeners.add(listener);
  }

  /**
   * Runs {@code work} in a transaction and commits it. A transient conflict rolls back and runs the
   * work again (up to {@value #MAX_ATTEMPTS} times); any other exception rolls back and propagates
   * ({@link SQLException}s wrapped in {@link StoreException}).
   */
  public <T> T inTransaction(TxWork<T> work) {
    try {
      return conflicts.executeSupplier(() -> attempt(work));
    } catch (TransientConflict e) {
      SQLException cause = e.getCause();
      throw new StoreException("database error: " + cause.getMessage(), cause);
    }
  }

  /** One run of {@code work} in its own transaction; a transient conflict is rolled back. */
  private <T> T attempt(TxWork<T> work) {
    try (Connection c = pool.getConnection()) {
      c.setAutoCommit(false);
      try {
        Tx tx = new Tx(c, clock.millis());
        T result = work.run(tx);
        c.commit();
        if (tx.wroteEvents()) {
          commitListeners.forEach(Runnable::run);
        }
        return result;
      } catch (SQLException e) {
        rollback(c);
        if (isTransient(e)) {
          LOG.debug("transient database conflict state={}", state(e));
          throw new TransientConflict(e);
        }
        throw new StoreException("database error: " + e.getMessage(), e);
      } catch (RuntimeException | Error e) {
        rollback(c);
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StoreException("database unavailable: " + e.getMessage(), e);
    }
  }

  /** A deadlock or serialization failure: the transaction may succeed when run again. */
  private static final class TransientConflict extends RuntimeException {
    TransientConflict(SQLException cause) {
      super(cause);
    }

    @Override
    public synchronized SQLException getCause() {
      return (SQLException) super.getCause();
    }
  }

  /** True for deadlocks, serialization failures, H2's concurrent-update and lock timeouts. */
  static boolean isTransient(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s) {
        String state = s.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state) || "55P03".equals(state)) {
          return true;
        }
        // H2: CONCURRENT_UPDATE_1 (90131), LOCK_TIMEOUT_1 (50200), DEADLOCK_1 (40001)
        int code = s.getErrorCode();
        if (code == 90131 || code == 50200 || code == 40001) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when {@code e} reports a unique-constraint violation. */
  public static boolean isUniqueViolation(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && "23505".equals(s.getSQLState())) {
        return true;
      }
    }
    return false;
  }

  private static String state(SQLException e) {
    return e.getSQLState() + "/" + e.getErrorCode();
  }

  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException e) {
      LOG.warn("rollback failed error={}", e.getMessage());
    }
  }

  @Override
  public void close() {
    pool.close();
  }
}
