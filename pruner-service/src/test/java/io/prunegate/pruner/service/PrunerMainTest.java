package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.CompressionPolicyTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: configuration from defaults, environment and flags; policy checks. */
class PrunerMainTest {

  private static PrunerConfig serveConfig(Map<String, String> env, String... args) {
    CommandLine cl = PrunerMain.commandLine(env);
    CommandLine.ParseResult r = cl.parseArgs(args);
    PrunerMain.Serve serve = (PrunerMain.Serve) r.subcommand().commandSpec().userObject();
    return serve.config();
  }

  @Test
  void defaults() {
    PrunerConfig c = serveConfig(Map.of(), "serve");
    assertEquals("http://127.0.0.1:8081", c.registryUrl());
    assertNull(c.registryToken());
    assertNull(c.kafkaBootstrap());
    assertEquals("prunegate-pruner", c.groupId());
    assertEquals("prunegate.model-events", c.topics().modelEvents());
    assertEquals(CompressionPolicy.defaultPolicy(), c.policy());
    assertEquals(Path.of(".prunegate/pruner"), c.workDir());
    assertEquals(1, c.concurrency());
    assertEquals(Duration.ofMinutes(2), c.lease());
    assertEquals(3, c.maxAttempts());
    assertEquals(Duration.ofSeconds(5), c.pollInterval());
    assertEquals("cpu", c.runtime().device());
    assertEquals(20, c.latencyIterations());
    assertEquals(PrunerConfig.defaultWorkerId(), c.workerId());
  }

  @Test
  void environmentThenFlags(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("policy.json");
    Files.writeString(policy, CompressionPolicyTest.k8sPolicy());
    Map<String, String> env =
        Map.ofEntries(
            Map.entry("PRUNEGATE_KAFKA_BOOTSTRAP", "kafka:9092"),
            Map.entry("PRUNEGATE_REGISTRY_URL", "http://registry:8081"),
            Map.entry("PRUNEGATE_REGISTRY_TOKEN", "secret-token-0123456789"),
            Map.entry("PRUNEGATE_PRUNER_POLICY", policy.toString()),
            Map.entry("PRUNEGATE_PRUNER_WORK_DIR", "/var/lib/prunegate/pruner"),
            Map.entry("PRUNEGATE_PRUNER_WORKER_ID", "pruner-pod-1"),
            Map.entry("PRUNEGATE_PRUNER_CONCURRENCY", "2"),
            Map.entry("PRUNEGATE_PRUNER_LEASE", "90s"),
            Map.entry("PRUNEGATE_PRUNER_MAX_ATTEMPTS", "5"),
            Map.entry("PRUNEGATE_TOPIC_MODEL_EVENTS", "team-a.model-events"),
            Map.entry("PRUNEGATE_THREADS", "4"));
    PrunerConfig c = serveConfig(env, "serve");
    assertEquals("kafka:9092", c.kafkaBootstrap());
    assertEquals("http://registry:8081", c.registryUrl());
    assertEquals("secret-token-0123456789", c.registryToken());
    assertEquals(CompressionPolicy.read(policy), c.policy());
    assertEquals(Path.of("/var/lib/prunegate/pruner"), c.workDir());
    assertEquals("pruner-pod-1", c.workerId());
    assertEquals(2, c.concurrency());
    assertEquals(Duration.ofSeconds(90), c.lease());
    assertEquals(Duration.ofSeconds(30), c.heartbeat());
    assertEquals(5, c.maxAttempts());
    assertEquals("team-a.model-events", c.topics().modelEvents());
    assertEquals(4, c.runtime().threads());
    assertTrue(!c.toString().contains("secret-token"), "the token is not logged");

    PrunerConfig flags =
        serveConfig(
            env,
            "serve",
            "--worker-id=w2",
            "--concurrency=1",
            "--lease=30s",
            "--topic=other.events",
            "--kafka-bootstrap=k2:9092",
            "--latency-iterations=3");
    assertEquals("w2", flags.workerId());
    assertEquals(1, flags.concurrency());
    assertEquals(Duration.ofSeconds(30), flags.lease());
    assertEquals("other.events", flags.topics().modelEvents());
    assertEquals("k2:9092", flags.kafkaBootstrap());
    assertEquals(3, flags.latencyIterations());
  }

  @Test
  void policyCommandChecksAFile(@TempDir Path dir) throws Exception {
    Path good = dir.resolve("good.json");
    Files.writeString(good, CompressionPolicyTest.k8sPolicy());
    Path bad = dir.resolve("bad.json");
    Files.writeString(
        bad,
        "{\"methods\": [{\"method\": \"chip\", \"head\": \"cnn\"}], \"data\": {\"train\": \"t\"}}");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, run(out, err, "policy", good.toString()));
    assertTrue(out.toString().contains("\"tolerance=1.0\""), out.toString());
    assertEquals(2, run(out, err, "policy", bad.toString()));
    assertTrue(
        err.toString().contains("policy field 'methods[0].head': unknown chip kind 'cnn'"),
        err.toString());
    StringWriter builtin = new StringWriter();
    assertEquals(0, run(builtin, err, "policy"));
    assertTrue(builtin.toString().contains("builtin:support-tickets"), builtin.toString());
  }

  @Test
  void submitNeedsModelAndVersion() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(2, run(out, err, "submit", "tickets"));
    assertTrue(err.toString().contains("'tickets' is not MODEL:VERSION"), err.toString());
  }

  private static int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = PrunerMain.commandLine(Map.of());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }
}
