package io.prunegate.registry;

import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import io.prunegate.registry.server.RegistryConfig;
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
    return start(dir, b -> b);
  }

  /** Starts a registry, letting the test adjust the configuration. */
  public static TestRegistry start(Path dir, UnaryOperator<RegistryConfig.Builder> customize) {
    RegistryConfig.Builder b =
        RegistryConfig.builder()
            .port(0)
            .dataDir(dir)
            .writeTokens(List.of(TOKEN))
            .readTokens(List.of(READ_TOKEN))
            .workerThreads(8)
            .gcGrace(Duration.ofHours(1));
    return new TestRegistry(RegistryServer.start(customize.apply(b).build()));
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
