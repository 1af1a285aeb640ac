package io.prunegate.registry.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/** The store suite on PostgreSQL in a container; skipped where Docker is not available. */
@Testcontainers(disabledWithoutDocker = true)
class PostgresContainerStoreTest extends AbstractStoreTest {

  @Container
  private static final PostgreSQLContainer<?> POSTGRES =
      new PostgreSQLContainer<>("postgres:17-alpine");

  private static final AtomicInteger DATABASES = new AtomicInteger();

  @Override
  protected String[] freshDatabase(Path temp) throws Exception {
    String name = "registry_" + DATABASES.incrementAndGet();
    try (Connection c =
            DriverManager.getConnection(
                POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url =
        "jdbc:postgresql://"
            + POSTGRES.getHost()
            + ":"
            + POSTGRES.getFirstMappedPort()
            + "/"
            + name;
    return new String[] {url, POSTGRES.getUsername(), POSTGRES.getPassword()};
  }
}
