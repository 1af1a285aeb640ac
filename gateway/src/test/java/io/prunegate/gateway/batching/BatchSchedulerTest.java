package io.prunegate.gateway.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.gateway.config.GatewayConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The scheduler's batching rules, with an executor that records batches and answers them. */
class BatchSchedulerTest {

  private final List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
  private final List<Long> batchStarts = Collections.synchronizedList(new ArrayList<>());

  private BatchScheduler<String> scheduler(int maxBatch, Duration delay, int workers) {
    return new BatchScheduler<String>(new GatewayConfig.Batching(maxBatch, delay, 1024, 4), workers)
        .start(
            (owner, batch) -> {
              batchStarts.add(System.nanoTime());
              batches.add(batch.stream().map(PendingRequest::id).toList());
              for (PendingRequest r : batch) {
                r.complete(
                    ClassificationResult.ok(
                        r.id(), "x", null, owner, 1, r.variantName(), 1, 0, false));
              }
            });
  }

  private static PendingRequest request(String id, String text) {
    return new PendingRequest(
        ClassificationRequest.of(id, text, "m"), "test", System.nanoTime(), "champion", false);
  }

  @Test
  void aFullBatchGoesAtOnceWithoutWaitingForTheDelay() throws Exception {
    try (BatchScheduler<String> s = scheduler(4, Duration.ofSeconds(30), 1)) {
      MicroBatcher<String> q = s.open("m", "m:1");
      List<PendingRequest> rs = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        rs.add(request("r" + i, "text " + i));
        assertTrue(s.submit(q, rs.get(i)));
      }
      for (PendingRequest r : rs) {
        r.result().get(10, TimeUnit.SECONDS);
      }
      assertEquals(List.of(List.of("r0", "r1", "r2", "r3")), batches);
    }
  }

  @Test
  void aPartialBatchWaitsForTheMaxQueueDelayThenGoes() throws Exception {
    Duration delay = Duration.ofMillis(300);
    try (BatchScheduler<String> s = scheduler(32, delay, 1)) {
      MicroBatcher<String> q = s.open("m", "m:1");
      long t0 = System.nanoTime();
      PendingRequest a = request("a", "one");
      PendingRequest b = request("b", "two");
      s.submit(q, a);
      s.submit(q, b);
      a.result().get(10, TimeUnit.SECONDS);
      long waited = batchStarts.get(0) - t0;
      assertTrue(waited >= delay.toNanos() * 9 / 10, "waited " + waited / 1e6 + " ms");
      assertEquals(List.of(List.of("a", "b")), batches);
    }
  }

  @Test
  void batchesGroupRequestsOfSimilarLength() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    List<List<String>> seen = Collections.synchronizedList(new ArrayList<>());
    try (BatchScheduler<String> s =
        new BatchScheduler<String>(
                new GatewayConfig.Batching(2, Duration.ofSeconds(30), 1024, 4), 1)
            .start(
                (owner, batch) -> {
                  seen.add(batch.stream().map(PendingRequest::id).toList());
                  if (batch.get(0).id().startsWith("hold")) {
                    try {
                      release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  }
                  batch.forEach(
                      r ->
                          r.complete(
                              ClassificationResult.ok(
                                  r.id(), "x", null, owner, 1, "c", 1, 0, false)));
                })) {
      MicroBatcher<String> q = s.open("m", "m:1");
      // A full first batch occupies the only worker while the four requests queue up.
      s.submit(q, request("hold1", "h"));
      s.submit(q, request("hold2", "h"));
      while (seen.isEmpty()) {
        Thread.sleep(1);
      }
      List<PendingRequest> rs =
          List.of(
              request("long1", "x".repeat(400)),
              request("short1", "hi"),
              request("long2", "y".repeat(390)),
              request("short2", "yo"));
      rs.forEach(r -> s.submit(q, r));
      release.countDown();
      for (PendingRequest r : rs) {
        r.result().get(10, TimeUnit.SECONDS);
      }
      assertEquals(
          List.of(
              List.of("hold1", "hold2"), List.of("long1", "long2"), List.of("short1", "short2")),
          seen);
    }
  }

  @Test
  void aDrainedQueueFinishesWhatItAcceptedThenReportsAndRefusesMore() throws Exception {
    try (BatchScheduler<String> s = scheduler(8, Duration.ofSeconds(30), 1)) {
      MicroBatcher<String> q = s.open("m", "m:1");
      List<PendingRequest> rs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        rs.add(request("d" + i, "t"));
        s.submit(q, rs.get(i));
      }
      CountDownLatch drained = new CountDownLatch(1);
      s.drain(q, drained::countDown);
      assertTrue(drained.await(10, TimeUnit.SECONDS), "drain callback ran");
      for (PendingRequest r : rs) {
        assertTrue(r.result().isDone(), "accepted requests answered before the drain reported");
      }
      assertFalse(s.submit(q, request("late", "t")), "a drained queue refuses new requests");
    }
  }

  @Test
  void anIdleQueueDrainsAtOnce() {
    try (BatchScheduler<String> s = scheduler(8, Duration.ofMillis(5), 1)) {
      MicroBatcher<String> q = s.open("m", "m:1");
      boolean[] ran = {false};
      s.drain(q, () -> ran[0] = true);
      assertTrue(ran[0]);
    }
  }
}
