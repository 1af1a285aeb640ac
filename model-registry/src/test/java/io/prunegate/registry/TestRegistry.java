package io.prunegate.registry;

import io.prunegate.config.OptionValues;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import io.prunegate.registry.outbox.RelaySettings;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

/** A real registry server for one test class: H2 file and artifacts under a temp directory. */
public final class TestRegistry implements AutoCloseable {

  public static final String TOKEN = "test-write-token-0123456789";
  public static final String READ_TOKEN = "test-read-token-0123456789";

  private final RegistryServer server;

  private TestRegistry(RegistryServer server) {
    this.server = server;
  }

  /** Starts a registry on a free port with the test tokens. */
  public static TestRegistry start(Path dir) {
    return start(dir, v -> v);
  }

  /** Starts a registry, letting the test adjust the option values. */
  public static TestRegistry start(Path dir, UnaryOperator<OptionValues> customize) {
    return new TestRegistry(RegistryServer.start(RegistryConfig.from(values(dir, customize))));
  }

  /** Starts a registry whose outbox relay runs with {@code relay}. */
  public static TestRegistry start(
      Path dir, UnaryOperator<OptionValues> customize, RelaySettings relay) {
    return new TestRegistry(
        RegistryServer.start(RegistryConfig.from(values(dir, customize), relay)));
  }

  /**
   * A relay for tests: quick polls, short backoffs and retention, so an outage test recovers within
   * seconds.
   */
  public static RelaySettings quickRelay() {
    return new RelaySettings(
        Duration.ofMillis(200),
        200,
        Duration.ofMillis(100),
        Duration.ofSeconds(1),
        Duration.ofDays(1));
  }

  private static OptionValues values(Path dir, UnaryOperator<OptionValues> customize) {
    return customize.apply(
        RegistryOptions.TABLE
            .defaults()
            .with(RegistryOptions.PORT, 0)
            .with(RegistryOptions.DATA_DIR, dir)
            .with(RegistryOptions.TOKENS, List.of(TOKEN))
            .with(RegistryOptions.READ_TOKENS, List.of(READ_TOKEN))
            .with(RegistryOptions.WORKERS, 8)
            .with(RegistryOptions.GC_GRACE, Duration.ofHours(1)));
  }

  public RegistryServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  public String baseUrl() {
    return server.baseUrl();
  }

  /** A client with the write token and quick retries. */
  public RegistryClient client() {
    return new RegistryClient(
        RegistryClientConfig.of(baseUrl(), TOKEN)
            .withRetries(3, Duration.ofMillis(50), Duration.ofMillis(200)));
  }

  /** A directory with the given files, each filled with {@code size} seeded random bytes. */
  public static Path files(Path dir, long seed, int size, String... names) {
    try {
      Files.createDirectories(dir);
      Random r = new Random(seed);
      for (String n : names) {
        byte[] b = new byte[size];
        r.nextBytes(b);
        Files.write(dir.resolve(n), b);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
