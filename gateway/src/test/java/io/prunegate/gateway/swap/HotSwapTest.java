package io.prunegate.gateway.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.gateway.variant.VariantKey;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Hot swap through the real registry, its outbox events and the download path: an alias move
 * switches the route and the old version drains and closes; a version that fails to load leaves the
 * old one serving and is reported; without Kafka, the registry poll finds the move.
 */
@WithKafkaBroker(shared = true)
class HotSwapTest {

  @Test
  void aliasMovesSwapAndAFailedLoadLeavesTheOldVersionServing(EmbeddedKafka kafka) {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("swap");
    GatewayConfig config = world.gatewayConfig("swap", model);
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                LoadTarget.of(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results()))) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      assertEquals(1, gateway.championVersion(model));
      PhaseReport before = run.run(plan("before", model), Duration.ofMinutes(1));
      assertEquals(Map.of(model + ":1/champion", 50), before.byVersion());

      world.client().setAlias(model, "champion", 2);
      await(() -> Integer.valueOf(2).equals(gateway.championVersion(model)), "swap to version 2");
      await(
          () -> gateway.swaps().loadedVersions().equals(Set.of(new VariantKey(model, 2))),
          "version 1 drained and closed");
      PhaseReport after = run.run(plan("after", model), Duration.ofMinutes(1));
      assertEquals(Map.of(model + ":2/champion", 50), after.byVersion());
      SwapReport swap = gateway.swaps().history().get(gateway.swaps().history().size() - 1);
      assertEquals("swapped", swap.outcome());
      assertEquals(1, swap.fromVersion());
      System.out.println(
          "swap 1 -> 2 took " + swap.millis() + " ms (download, verify, load, warm up)");

      int broken = world.registerUnloadable(model);
      world.client().setAlias(model, "champion", broken);
      await(() -> gateway.swaps().failures() == 1, "the broken version's load fails");
      SwapReport failed = gateway.swaps().history().get(gateway.swaps().history().size() - 1);
      assertTrue(failed.failed());
      System.out.println("failed load reported: " + failed.error());
      assertTrue(failed.error().contains("chip at depth 6 reads 128 features"), failed.error());
      assertEquals(2, gateway.championVersion(model), "the old version keeps serving");
      // A chip whose shapes do not fit together fails at load, naming the file and the tensor
      // (it used to load and fail only at inference, which a gateway without warm-up served).
      int inconsistent = world.registerInconsistent(model);
      world.client().setAlias(model, "champion", inconsistent);
      // Found by version, not by count: a sync may retry the broken version meanwhile.
      await(
          () -> failedSwapTo(gateway, inconsistent).isPresent(),
          "the inconsistent version's load fails");
      String loadError = failedSwapTo(gateway, inconsistent).orElseThrow().error();
      assertTrue(
          loadError.contains("chips.safetensors") && loadError.contains("chip.6.fc2.weight"),
          loadError);
      assertEquals(2, gateway.championVersion(model));
      // A version whose outputs are NaN is refused by the warm-up too: it would answer garbage.
      int nan = world.registerNan(model);
      world.client().setAlias(model, "champion", nan);
      await(() -> failedSwapTo(gateway, nan).isPresent(), "the NaN version's warm-up fails");
      String nanError = failedSwapTo(gateway, nan).orElseThrow().error();
      assertTrue(nanError.contains("non-finite probability"), nanError);
      assertEquals(2, gateway.championVersion(model), "the old version keeps serving");
      PhaseReport stillServing = run.run(plan("still", model), Duration.ofMinutes(1));
      assertEquals(Map.of(model + ":2/champion", 50), stillServing.byVersion());
      String metrics = gateway.metrics().scrape();
      // Each failed attempt counts; a sync triggered by a later registration may retry the broken
      // version, so the count is one per attempt made, at least the one awaited above.
      long attempts =
          gateway.swaps().history().stream()
              .filter(r -> r.failed() && Integer.valueOf(broken).equals(r.toVersion()))
              .count();
      assertTrue(
          metrics.contains(
              "prunegate_gateway_model_loads_total{model=\""
                  + model
                  + "\",outcome=\"failure\",version=\""
                  + broken
                  + "\"} "
                  + (double) attempts),
          "every failed attempt counted: " + attempts);
      assertTrue(
          metrics.contains(
              "prunegate_gateway_model_swaps_total{alias=\"champion\",model=\""
                  + model
                  + "\"} 2.0"),
          "two swaps (initial + move)");
    }
  }

  @Test
  void withoutKafkaTheRegistryPollFindsTheMove(EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("poll");
    GatewayConfig config =
        GatewayConfig.from(
            world
                .gatewayOptions("poll", model)
                .with(GatewayOptions.KAFKA_BOOTSTRAP, null)
                .with(GatewayOptions.REGISTRY_POLL, Duration.ofMillis(500)));
    Vertx vertx = Vertx.vertx();
    try (Gateway gateway = Gateway.start(config)) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      WebClient http = WebClient.create(vertx);
      world.client().setAlias(model, "champion", 2);
      await(() -> Integer.valueOf(2).equals(gateway.championVersion(model)), "poll swaps to 2");
      JsonObject answer =
          http.post(gateway.httpPort(), "127.0.0.1", "/v1/classify")
              .sendJsonObject(new JsonObject().put("text", "I hated it.").put("model", model))
              .toCompletionStage()
              .toCompletableFuture()
              .get()
              .bodyAsJsonObject();
      assertEquals(2, answer.getInteger("version"));
      assertEquals("negative", answer.getString("label"));
      assertFalse(gateway.swaps().history().isEmpty());
    } finally {
      vertx.close();
    }
  }

  private static LoadPlan plan(String name, String model) {
    return LoadPlan.of(name, 50, 0, model, LabelledSentences.mixed());
  }

  static void await(BooleanSupplier condition, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private static java.util.Optional<SwapReport> failedSwapTo(Gateway gateway, int version) {
    return gateway.swaps().history().stream()
        .filter(r -> r.failed() && Integer.valueOf(version).equals(r.toVersion()))
        .reduce((a, b) -> b);
  }
}
