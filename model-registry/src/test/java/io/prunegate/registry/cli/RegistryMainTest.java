package io.prunegate.registry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.registry.NewModel;
import io.prunegate.registry.RawHttp;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.TestRegistry;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryMainTest {

  @Test
  void flagsOverrideEnvironmentOverrideDefaults(@TempDir Path dir) {
    Map<String, String> env =
        Map.of(
            "PRUNEGATE_REGISTRY_TOKENS", "env-token-aaaaaaaaaaaa, env-token-bbbbbbbbbbbb",
            "PRUNEGATE_KAFKA_BOOTSTRAP", "kafka-a:9092",
            "PRUNEGATE_REGISTRY_DB_URL", "jdbc:postgresql://db:5432/registry",
            "PRUNEGATE_REGISTRY_PORT", "9000",
            "PRUNEGATE_REGISTRY_MAX_UPLOAD", "512m",
            "PRUNEGATE_TOPIC_MODEL_EVENTS", "team1.model-events",
            "PRUNEGATE_REGISTRY_READS_NEED_TOKEN", "true");
    RegistryConfig fromEnv =
        RegistryMain.serveConfig(new String[] {"--data-dir", dir.toString()}, env);
    assertEquals(
        List.of("env-token-aaaaaaaaaaaa", "env-token-bbbbbbbbbbbb"), fromEnv.writeTokens());
    assertEquals("kafka-a:9092", fromEnv.kafkaBootstrap());
    assertEquals("jdbc:postgresql://db:5432/registry", fromEnv.jdbcUrl());
    assertEquals(9000, fromEnv.port());
    assertEquals(512L << 20, fromEnv.maxUploadBytes());
    assertEquals("team1.model-events", fromEnv.topics().modelEvents());
    assertTrue(fromEnv.readsNeedToken());
    assertEquals(dir.resolve("artifacts"), fromEnv.artifactDir());

    RegistryConfig flags =
        RegistryMain.serveConfig(
            new String[] {
              "--data-dir", dir.toString(),
              "--port", "0",
              "--token", "flag-token-cccccccccccc",
              "--kafka-bootstrap", "kafka-b:9092",
              "--db-url", "jdbc:h2:mem:x",
              "--max-json", "64k",
              "--topic", "flag.events",
              "--gc-grace", "30m"
            },
            env);
    assertEquals(List.of("flag-token-cccccccccccc"), flags.writeTokens());
    assertEquals("kafka-b:9092", flags.kafkaBootstrap());
    assertEquals("jdbc:h2:mem:x", flags.jdbcUrl());
    assertEquals(0, flags.port());
    assertEquals(64 * 1024, flags.maxJsonBytes());
    assertEquals("flag.events", flags.topics().modelEvents());
    assertEquals(Duration.ofMinutes(30), flags.gcGrace());

    RegistryConfig defaults = RegistryMain.serveConfig(new String[0], Map.of());
    assertEquals(RegistryConfig.DEFAULT_PORT, defaults.port());
    assertEquals("127.0.0.1", defaults.host());
    assertNull(defaults.kafkaBootstrap());
    assertTrue(defaults.jdbcUrl().startsWith("jdbc:h2:file:"));
    assertTrue(defaults.jdbcUrl().contains("MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE"));
    assertFalse(defaults.toString().contains("env-token"), "no secrets in toString");
  }

  @Test
  void serveRefusesToRunWithoutAWriteToken(@TempDir Path dir) {
    StringWriter out = new StringWriter();
    int code =
        RegistryMain.run(
            new String[] {"serve", "--data-dir", dir.toString(), "--port", "0"},
            Map.of(),
            new PrintWriter(out));
    assertNotEquals(0, code);
  }

  @Test
  void helpListsTheCommands() {
    StringWriter out = new StringWriter();
    assertEquals(0, RegistryMain.run(new String[] {"--help"}, Map.of(), new PrintWriter(out)));
    assertTrue(out.toString().contains("serve"));
    assertTrue(out.toString().contains("gc"));
  }

  @Test
  void gcDeletesOnlyOldUnreferencedBlobs(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    String orphanSha;
    String keptSha;
    try (TestRegistry registry = TestRegistry.start(data)) {
      RegistryClient client = registry.client();
      client.registerModel(NewModel.of("m", null, List.of()));
      keptSha =
          client
              .createVersion(
                  "m",
                  TestRegistry.files(dir.resolve("v"), 1, 100, "model.safetensors"),
                  VersionSpec.base())
              .artifacts()
              .get(0)
              .sha256();
      Path orphan = dir.resolve("orphan.bin");
      Files.writeString(orphan, "unreferenced");
      orphanSha = client.uploadArtifact(orphan).sha256();
    }
    Path blobs = data.resolve("artifacts/sha256");
    Path orphanBlob = blobs.resolve(orphanSha.substring(0, 2)).resolve(orphanSha);
    Path keptBlob = blobs.resolve(keptSha.substring(0, 2)).resolve(keptSha);
    FileTime old = FileTime.fromMillis(System.currentTimeMillis() - Duration.ofHours(2).toMillis());
    Files.setLastModifiedTime(orphanBlob, old);
    Files.setLastModifiedTime(keptBlob, old);

    StringWriter dry = new StringWriter();
    assertEquals(
        0,
        RegistryMain.run(
            new String[] {"gc", "--data-dir", data.toString(), "--dry-run"},
            Map.of(),
            new PrintWriter(dry)));
    assertTrue(dry.toString().contains("deleted=1"), dry.toString());
    assertTrue(Files.exists(orphanBlob), "dry run deletes nothing");

    StringWriter out = new StringWriter();
    assertEquals(
        0,
        RegistryMain.run(
            new String[] {"gc", "--data-dir", data.toString(), "--grace", "1h"},
            Map.of(),
            new PrintWriter(out)));
    assertTrue(out.toString().contains("deleted=1"), out.toString());
    assertFalse(Files.exists(orphanBlob));
    assertTrue(Files.exists(keptBlob), "referenced blob kept");
    assertEquals(keptSha, Sha256.of(keptBlob));
  }

  @Test
  void serveRunsAsAProcessConfiguredFromTheEnvironment(@TempDir Path dir) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(RegistryMain.class.getName());
    cmd.add("serve");
    cmd.add("--port");
    cmd.add("0");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("PRUNEGATE_REGISTRY_TOKENS", TestRegistry.TOKEN);
    pb.environment().put("PRUNEGATE_REGISTRY_DATA_DIR", dir.resolve("data").toString());
    Process p = pb.start();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String url = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.startsWith("registry listening on ")) {
          url = line.substring("registry listening on ".length()).trim();
          break;
        }
      }
      assertTrue(url != null, "the process announced its URL");
      int port = Integer.parseInt(url.substring(url.lastIndexOf(':') + 1));
      RawHttp.Response created =
          RawHttp.send(
              port,
              "POST",
              "/api/v1/models",
              Map.of(
                  "Authorization",
                  "Bearer " + TestRegistry.TOKEN,
                  "Content-Type",
                  "application/json"),
              "{\"name\":\"from-env\"}".getBytes(StandardCharsets.UTF_8),
              false);
      assertEquals(201, created.status());
      assertTrue(Files.isDirectory(dir.resolve("data/artifacts")));
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook closes the registry
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    }
  }
}
