package io.prunegate.experiments.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.experiments.action.ActionOutcome;
import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.ArmTally;
import io.prunegate.experiments.stats.Interval;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The manual override: {@code decide} and {@code stop} against a real registry, {@code list} and
 * {@code show} against the service's real {@code /experiments} endpoint.
 */
class ManualCommandsTest {

  private static final String TOKEN = "manual-commands-token-0123456789";

  private record Run(int code, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = ExperimentsMain.commandLine(env);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void decideAndStopActThroughTheRegistry(@TempDir Path dir) throws Exception {
    try (RegistryServer server =
        RegistryServer.start(
            RegistryConfig.from(
                RegistryOptions.TABLE
                    .defaults()
                    .with(RegistryOptions.PORT, 0)
                    .with(RegistryOptions.DATA_DIR, dir.resolve("registry"))
                    .with(RegistryOptions.TOKENS, List.of(TOKEN))))) {
      RegistryClient client = RegistryClient.create(server.baseUrl(), TOKEN);
      for (String m : List.of("kept", "stopped", "promoted")) {
        client.registerModel(NewModel.of(m, null, List.of("a", "b")));
        for (int v = 1; v <= 2; v++) {
          Path files = Files.createDirectories(dir.resolve(m + v));
          Files.writeString(files.resolve("model.safetensors"), m + v);
          client.createVersion(
              m, files, v == 1 ? VersionSpec.base() : VersionSpec.derived(1, "chip"));
        }
        client.setAlias(m, "champion", 1);
        client.setAlias(m, "challenger", 2);
      }
      Map<String, String> env =
          Map.of("PRUNEGATE_REGISTRY_URL", server.baseUrl(), "PRUNEGATE_REGISTRY_TOKEN", TOKEN);

      Run rollback = run(env, "decide", "kept", "rollback", "--reason", "users complained");
      assertEquals(0, rollback.code(), rollback.toString());
      assertTrue(rollback.out().startsWith("rollback kept challenger v2: applied"), rollback.out());
      assertEquals(Map.of("champion", 1), client.getModel("kept").aliases());
      assertEquals("manual: users complained", client.getVersion("kept", 2).tags().get("rejected"));

      Run promote = run(env, "decide", "promoted", "promote", "--reason", "signed off");
      assertEquals(0, promote.code(), promote.toString());
      assertEquals(Map.of("champion", 2, "previous", 1), client.getModel("promoted").aliases());

      Run stop = run(env, "stop", "stopped");
      assertEquals(0, stop.code(), stop.toString());
      assertEquals("stopped stopped challenger v2: alias removed\n", stop.out());
      assertEquals(Map.of("champion", 1), client.getModel("stopped").aliases());
      assertEquals(Map.of(), client.getVersion("stopped", 2).tags());

      // refusals are one line with exit code 2
      Run again = run(env, "stop", "stopped");
      assertEquals(2, again.code(), again.toString());
      assertEquals(
          "prunegate-experiments stop: model 'stopped' has no challenger alias",
          again.err().strip());
      Run unknown = run(env, "decide", "nope", "promote", "--reason", "x");
      assertEquals(2, unknown.code(), unknown.toString());
      assertTrue(unknown.err().strip().startsWith("prunegate-experiments decide: registry:"));
      Run badKind = run(env, "stop", "kept", "--kind", "canary");
      assertEquals(2, badKind.code(), badKind.toString());
      assertTrue(badKind.err().contains("--kind must be challenger or shadow"), badKind.err());
      Run badVerdict = run(env, "decide", "kept", "maybe", "--reason", "x");
      assertEquals(2, badVerdict.code(), badVerdict.toString());
      assertTrue(
          badVerdict.err().contains("VERDICT must be promote or rollback"), badVerdict.err());
    }
  }

  @Test
  void listAndShowReadTheServicesExperiments() {
    Experiment e = new Experiment("tickets", Experiment.Kind.CHALLENGER, 1, 3, 0, Experiment.OPEN);
    ExperimentStatus status =
        new ExperimentStatus(
            e,
            new ArmSnapshot(new ArmTally(420, 400, 360), OptionalDouble.of(12.0), 0),
            new ArmSnapshot(new ArmTally(410, 390, 230), OptionalDouble.of(8.0), 0),
            new Interval(-0.34, -0.24),
            Agreement.NONE,
            new Verdict.Rollback("accuracy: challenger - champion in [-0.34, -0.24]"),
            new ActionOutcome(
                e.id(),
                ActionOutcome.Result.APPLIED,
                List.of("tag rejected on version 3", "challenger removed"),
                ""),
            1_000);
    try (StatusServer http =
        new StatusServer(
            "127.0.0.1", 0, () -> "", () -> true, () -> StatusJson.list(List.of(status)))) {
      Map<String, String> env =
          Map.of("PRUNEGATE_EXPERIMENTS_URL", "http://127.0.0.1:" + http.port());
      Run list = run(env, "list");
      assertEquals(0, list.code(), list.toString());
      String line = list.out().lines().toList().get(1);
      assertTrue(line.startsWith(e.id()), line);
      assertTrue(line.contains("rollback"), line);
      assertTrue(line.contains("90.0%/400") && line.contains("59.0%/390"), line);
      assertTrue(line.contains("[-34.00, -24.00] pts") && line.endsWith("applied"), line);

      Run show = run(env, "show", e.id());
      assertEquals(0, show.code(), show.toString());
      assertTrue(show.out().contains("\"challenger_version\" : 3"), show.out());
      assertTrue(show.out().contains("\"tag rejected on version 3\""), show.out());
      Run missing = run(env, "show", "nope");
      assertEquals(2, missing.code(), missing.toString());
    }
    Run down = run(Map.of("PRUNEGATE_EXPERIMENTS_URL", "http://127.0.0.1:1"), "list");
    assertEquals(2, down.code(), down.toString());
    assertTrue(down.err().contains("cannot reach the experiments service"), down.err());
  }
}
