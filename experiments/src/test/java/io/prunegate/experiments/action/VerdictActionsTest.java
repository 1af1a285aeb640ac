package io.prunegate.experiments.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.experiments.action.ActionOutcome.Result;
import io.prunegate.experiments.decision.Verdict;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verdict actions against a real registry (H2, HTTP): what each verdict changes, that repeating a
 * call (after a crash part-way) finishes or finds the work done, and that aliases moved by hand are
 * never overridden.
 */
class VerdictActionsTest {

  private static final String TOKEN = "experiments-test-token-0123456789";

  @TempDir static Path dir;
  private static RegistryServer server;
  private static RegistryClient client;
  private static VerdictActions actions;
  private static int models;

  @BeforeAll
  static void start() {
    server =
        RegistryServer.start(
            RegistryConfig.from(
                RegistryOptions.TABLE
                    .defaults()
                    .with(RegistryOptions.PORT, 0)
                    .with(RegistryOptions.DATA_DIR, dir.resolve("registry"))
                    .with(RegistryOptions.TOKENS, List.of(TOKEN))));
    client = RegistryClient.create(server.baseUrl(), TOKEN);
    actions = new VerdictActions(client);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** A model with versions 1 (base), 2 and 3 (variants); champion on 1. */
  private static String model() throws IOException {
    String name = "m" + (++models);
    client.registerModel(NewModel.of(name, null, List.of("negative", "positive")));
    for (int v = 1; v <= 3; v++) {
      Path files = Files.createDirectories(dir.resolve(name + "-" + v));
      Files.writeString(files.resolve("model.safetensors"), name + " weights " + v);
      client.createVersion(
          name, files, v == 1 ? VersionSpec.base() : VersionSpec.derived(1, "chip"));
    }
    client.setAlias(name, "champion", 1);
    return name;
  }

  private static Experiment experiment(String model, Experiment.Kind kind, int challenger) {
    return new Experiment(model, kind, 1, challenger, 1_000L, Experiment.OPEN);
  }

  private static Map<String, Integer> aliases(String model) {
    return client.getModel(model).aliases();
  }

  @Test
  void promoteMovesTheChampionKeepsPreviousAndEndsTheChallenger() throws IOException {
    String m = model();
    client.setAlias(m, "challenger", 2);
    Experiment e = experiment(m, Experiment.Kind.CHALLENGER, 2);
    ActionOutcome first = actions.apply(e, new Verdict.Promote("not worse: diff >= -0.6 points"));
    assertEquals(Result.APPLIED, first.result(), first.toString());
    assertEquals(
        List.of(
            "tag promoted on version 2", "previous -> 1", "champion -> 2", "challenger removed"),
        first.changes());
    assertEquals(Map.of("champion", 2, "previous", 1), aliases(m));
    assertEquals("not worse: diff >= -0.6 points", client.getVersion(m, 2).tags().get("promoted"));

    ActionOutcome again = actions.apply(e, new Verdict.Promote("not worse: diff >= -0.6 points"));
    assertEquals(Result.ALREADY_APPLIED, again.result(), again.toString());
    assertEquals(List.of(), again.changes());
    assertEquals(Map.of("champion", 2, "previous", 1), aliases(m));
  }

  @Test
  void aPromotionInterruptedAfterTheChampionMovedIsFinished() throws IOException {
    String m = model();
    // the state a crash between moving the champion and removing the challenger leaves
    client.setAlias(m, "challenger", 2);
    client.setTag(m, 2, "promoted", "not worse");
    client.setAlias(m, "previous", 1);
    client.setAlias(m, "champion", 2);
    ActionOutcome o =
        actions.apply(experiment(m, Experiment.Kind.CHALLENGER, 2), new Verdict.Promote("x"));
    assertEquals(Result.APPLIED, o.result(), o.toString());
    assertEquals(List.of("challenger removed"), o.changes());
    assertEquals(Map.of("champion", 2, "previous", 1), aliases(m));
  }

  @Test
  void rollbackRemovesTheChallengerAndTagsItRejected() throws IOException {
    String m = model();
    client.setAlias(m, "challenger", 3);
    Experiment e = experiment(m, Experiment.Kind.CHALLENGER, 3);
    String reason = "worse by more than 1.0 points: diff <= -2.4 points at 95%";
    ActionOutcome first = actions.apply(e, new Verdict.Rollback(reason));
    assertEquals(Result.APPLIED, first.result(), first.toString());
    assertEquals(List.of("tag rejected on version 3", "challenger removed"), first.changes());
    assertEquals(Map.of("champion", 1), aliases(m));
    assertEquals(reason, client.getVersion(m, 3).tags().get("rejected"));

    ActionOutcome again = actions.apply(e, new Verdict.Rollback(reason));
    assertEquals(Result.ALREADY_APPLIED, again.result(), again.toString());
    assertEquals(Map.of("champion", 1), aliases(m));
  }

  @Test
  void aShadowIsPromotedAndRolledBackLikeAChallenger() throws IOException {
    String m = model();
    client.setAlias(m, "shadow", 2);
    ActionOutcome promoted =
        actions.apply(
            experiment(m, Experiment.Kind.SHADOW, 2),
            new Verdict.Promote("agrees with the champion on 99.2% of 4000"));
    assertEquals(Result.APPLIED, promoted.result(), promoted.toString());
    assertEquals(Map.of("champion", 2, "previous", 1), aliases(m));

    String other = model();
    client.setAlias(other, "shadow", 3);
    ActionOutcome rolledBack =
        actions.apply(
            experiment(other, Experiment.Kind.SHADOW, 3), new Verdict.Rollback("agrees on 80%"));
    assertEquals(Result.APPLIED, rolledBack.result(), rolledBack.toString());
    assertEquals(Map.of("champion", 1), aliases(other));
  }

  @Test
  void inconclusiveAndContinueChangeNothing() throws IOException {
    String m = model();
    client.setAlias(m, "challenger", 2);
    Experiment e = experiment(m, Experiment.Kind.CHALLENGER, 2);
    ActionOutcome inconclusive = actions.apply(e, new Verdict.Inconclusive("7 days passed"));
    assertEquals(Result.NO_CHANGE, inconclusive.result());
    assertTrue(inconclusive.note().startsWith("inconclusive"), inconclusive.note());
    assertEquals(Result.NO_CHANGE, actions.apply(e, new Verdict.Continue("waiting")).result());
    assertEquals(Map.of("champion", 1, "challenger", 2), aliases(m));
    assertEquals(Map.of(), client.getVersion(m, 2).tags());
  }

  @Test
  void aliasesMovedByHandAreLeftAlone() throws IOException {
    String m = model();
    client.setAlias(m, "challenger", 2);
    Experiment e = experiment(m, Experiment.Kind.CHALLENGER, 2);
    client.setAlias(m, "challenger", 3); // an operator put another version under test
    ActionOutcome promote = actions.apply(e, new Verdict.Promote("not worse"));
    assertEquals(Result.SKIPPED, promote.result(), promote.toString());
    assertTrue(promote.note().contains("challenger=3"), promote.note());
    ActionOutcome rollback = actions.apply(e, new Verdict.Rollback("worse"));
    assertEquals(Result.SKIPPED, rollback.result(), rollback.toString());
    assertEquals(Map.of("champion", 1, "challenger", 3), aliases(m));
    assertFalse(client.getVersion(m, 2).tags().containsKey("rejected"));

    // the champion moved to the candidate by hand, without a promotion: not claimed as ours
    String n = model();
    client.setAlias(n, "challenger", 2);
    client.setAlias(n, "champion", 2);
    ActionOutcome byHand =
        actions.apply(experiment(n, Experiment.Kind.CHALLENGER, 2), new Verdict.Promote("x"));
    assertEquals(Result.SKIPPED, byHand.result(), byHand.toString());
    assertEquals(Map.of("champion", 2, "challenger", 2), aliases(n));
  }

  @Test
  void aReasonLongerThanATagValueIsShortened() throws IOException {
    String m = model();
    client.setAlias(m, "challenger", 2);
    String reason = "p99 guard failed: " + "x".repeat(3000);
    ActionOutcome o =
        actions.apply(experiment(m, Experiment.Kind.CHALLENGER, 2), new Verdict.Rollback(reason));
    assertEquals(Result.APPLIED, o.result(), o.toString());
    String tag = client.getVersion(m, 2).tags().get("rejected");
    assertEquals(1024, tag.length());
    assertTrue(tag.startsWith("p99 guard failed: ") && tag.endsWith("..."), tag);
  }
}
