package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.pruner.jobs.CompressionJobs;
import io.prunegate.pruner.jobs.CompressionMethods;
import io.prunegate.pruner.jobs.JobObserver;
import io.prunegate.pruner.jobs.JobWorker;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.progress.ProgressListener;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobState;
import io.prunegate.registry.client.RegistryClient;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A worker stopped while its job writes a bundle (the demo's Ctrl-C mid-prune): the interrupt
 * closes the job's file channel, and the job is neither failed nor logged as an error; it stays
 * claimed, so its lease runs out and the next claim retries it.
 */
@WithKafkaBroker
class JobShutdownTest {

  /** Writes through an interruptible channel, as {@code SafetensorsWriter} does, forever. */
  private static final class EndlessWrite implements CompressionMethod {
    final CountDownLatch writing = new CountDownLatch(1);

    @Override
    public String name() {
      return "endless-write";
    }

    @Override
    public void validate(MethodSpec spec) {}

    @Override
    public List<Candidate> compress(CompressionRequest request, ProgressListener progress)
        throws Exception {
      // a slow sink (a stalled disk): each write parks a while; an interrupt cuts the park short
      OutputStream slowSink =
          new OutputStream() {
            @Override
            public void write(int b) {
              write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
              LockSupport.parkNanos(10_000_000L);
            }
          };
      try (WritableByteChannel ch = Channels.newChannel(slowSink)) {
        writing.countDown();
        while (true) {
          ch.write(ByteBuffer.allocate(4096));
        }
      }
    }
  }

  @Test
  void aJobInterruptedByStopIsNeitherFailedNorAnError(EmbeddedKafka kafka, @TempDir Path dir)
      throws Exception {
    Logger jobs = (Logger) LoggerFactory.getLogger("io.prunegate.pruner.jobs");
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    jobs.addAppender(logged);
    try (PrunerStack stack = PrunerStack.start(kafka, dir)) {
      RegistryClient client = stack.client();
      stack.registerMiniLm("stop-tickets");
      Map<String, Object> policy =
          CompressionPolicy.parse(
                  "{\"methods\": [{\"method\": \"endless-write\"}],"
                      + " \"data\": {\"train\": \"builtin:support-tickets\"}}")
              .toMap();
      Job job = client.createJob(CompressionJobs.submitted("stop-tickets", 1, policy, "stop"));
      CompletableFuture<String> abandoned = new CompletableFuture<>();
      CompletableFuture<Job> ended = new CompletableFuture<>();
      JobObserver observer =
          new JobObserver() {
            @Override
            public void jobAbandoned(Job j, String reason) {
              abandoned.complete(reason);
            }

            @Override
            public void jobEnded(Job j) {
              ended.complete(j);
            }
          };
      EndlessWrite method = new EndlessWrite();
      JobWorker worker =
          new JobWorker(
                  client,
                  stack.config("stop", CompressionPolicy.defaultPolicy()),
                  new CompressionMethods(List.of(method)),
                  observer)
              .start();
      assertTrue(method.writing.await(3, TimeUnit.MINUTES), "the method never started writing");
      worker.stop(200);

      String reason = abandoned.get(1, TimeUnit.MINUTES);
      assertTrue(reason.startsWith("stopped by shutdown while method endless-write"), reason);
      assertFalse(ended.isDone(), "the interrupted job was recorded as ended: " + ended);
      Job after = client.getJob(job.id());
      assertEquals(JobState.CLAIMED, after.state(), "still claimed, to be retried: " + after);
      assertNull(after.error(), "no failure recorded");
      List<String> loud =
          logged.list.stream()
              .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
              .map(ILoggingEvent::getFormattedMessage)
              .toList();
      assertEquals(List.of(), loud, "nothing above INFO from the jobs while stopping");
    } finally {
      jobs.detachAppender(logged);
    }
  }
}
