package io.prunegate.gateway.swap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.fixtures.LabelledSentences;
import io.prunegate.gateway.fixtures.TestWorld;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.loadtest.LatencyStats;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Hot swap under load: 5,000 requests stream open-loop at half the gateway's measured capacity
 * while the champion alias moves 5 times between two versions (through the registry, its events and
 * the download path). Nothing is lost, nothing fails, and the p99 latency of requests sent while a
 * swap was under way is printed against that of the steady state before the first move.
 */
@WithKafkaBroker(shared = true)
class HotSwapUnderLoadTest {

  @Test
  void fiveAliasMovesWhileFiveThousandRequestsStream(EmbeddedKafka kafka) throws Exception {
    TestWorld world = TestWorld.get(kafka);
    String model = world.registerModel("swapload");
    GatewayConfig config = world.gatewayConfig("swapload", model);
    try (Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(
                LoadTarget.of(
                    kafka.bootstrapServers(),
                    config.kafka().topics().requests(),
                    config.kafka().topics().results()))) {
      assertTrue(gateway.awaitReady(Duration.ofSeconds(60)));
      // Capacity right now (the machine is shared): a burst, unthrottled.
      PhaseReport burst =
          run.run(
              LoadPlan.of("burst", 600, 0, model, LabelledSentences.mixed()),
              Duration.ofMinutes(2));
      double rate = Math.max(20, burst.answerRate() / 2);
      System.out.printf(
          "capacity burst: %.1f answers/s -> streaming at %.1f/s%n", burst.answerRate(), rate);

      LoadPlan stream = LoadPlan.of("stream", 5000, rate, model, LabelledSentences.mixed());
      long streamStart = System.nanoTime();
      CompletableFuture<LoadRun.SendStats> sending = run.start(stream);
      double seconds = stream.plannedSeconds();
      long steadyEnd = streamStart + (long) (seconds * 0.2 * 1e9);
      sleepUntil(steadyEnd);
      List<long[]> swapWindows = new ArrayList<>();
      int[] targets = {2, 1, 2, 1, 2};
      long gap = (long) (seconds * 0.7 / targets.length * 1e9);
      for (int i = 0; i < targets.length; i++) {
        long moveAt = System.nanoTime();
        int target = targets[i];
        world.client().setAlias(model, "champion", target);
        HotSwapTest.await(
            () -> Integer.valueOf(target).equals(gateway.championVersion(model)), "swap " + i);
        long done = System.nanoTime();
        System.out.printf(
            "move %d -> v%d routed after %.0f ms%n", i + 1, target, (done - moveAt) / 1e6);
        // Requests sent until a second after the switch still meet the drain of the old version.
        swapWindows.add(new long[] {moveAt, done + 1_000_000_000L});
        if (i < targets.length - 1) {
          sleepUntil(moveAt + gap);
        }
      }
      LoadRun.SendStats sent = sending.get();
      PhaseReport report = run.finish(stream, sent, Duration.ofMinutes(3));
      System.out.println("hot swap under load: " + report);

      assertEquals(5000, report.answered(), "zero lost");
      assertEquals(Map.of("ok", 5000), report.byStatus(), "zero errors");
      assertEquals(0, report.duplicates());
      assertNull(gateway.kafkaFailure());
      assertTrue(report.byVersion().containsKey(model + ":1/champion"));
      assertTrue(report.byVersion().containsKey(model + ":2/champion"));
      long swaps =
          gateway.swaps().history().stream().filter(s -> s.outcome().equals("swapped")).count();
      assertEquals(6, swaps, "the initial load and five moves");
      HotSwapTest.await(
          () -> gateway.swaps().loadedVersions().size() == 1, "the last old version closed");

      Set<String> ids = run.ids(stream);
      LatencyStats steady = run.latencyOfSentBetween(ids, streamStart + 1_000_000_000L, steadyEnd);
      LatencyStats inSwaps = latencyInWindows(run, ids, swapWindows);
      System.out.printf(
          "steady state (before the first move): %s%nduring swaps (move to switch + 1 s): %s%n"
              + "p99 ratio during/steady: %.2f (rate %.1f/s, 2-core dev machine, shared)%n",
          steady, inSwaps, inSwaps.p99Ms() / steady.p99Ms(), rate);
      assertTrue(steady.count() > 0 && inSwaps.count() > 0, "both windows hold requests");
    }
  }

  private static LatencyStats latencyInWindows(LoadRun run, Set<String> ids, List<long[]> windows) {
    List<Long> l = new ArrayList<>();
    for (String id : ids) {
      var a = run.collector().answers().get(id);
      if (a == null) {
        continue;
      }
      long sentAt = a.receivedNanos() - a.latencyNanos();
      for (long[] w : windows) {
        if (sentAt >= w[0] && sentAt < w[1]) {
          l.add(a.latencyNanos());
          break;
        }
      }
    }
    return LatencyStats.ofNanos(l.stream().mapToLong(Long::longValue).toArray());
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long ms = (nanoTime - System.nanoTime()) / 1_000_000;
    if (ms > 0) {
      Thread.sleep(ms);
    }
  }
}
