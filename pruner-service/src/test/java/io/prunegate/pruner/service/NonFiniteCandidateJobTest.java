package io.prunegate.pruner.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.WithKafkaBroker;
import io.prunegate.pruner.evaluation.ChipBundles;
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
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job whose method yields a candidate with NaN chip weights, on a real registry: the job finishes
 * (it does not crash), the NaN candidate is listed as rejected with a non-finite reason in the job
 * result, and it is never registered; the finite baseline is.
 */
@WithKafkaBroker
class NonFiniteCandidateJobTest {

  /** A stand-in method: a finite (untrained) baseline and a candidate whose chip is all NaN. */
  private static final class NanMethod implements CompressionMethod {
    @Override
    public String name() {
      return "nan-test";
    }

    @Override
    public void validate(MethodSpec spec) {}

    @Override
    public List<Candidate> compress(CompressionRequest request, ProgressListener progress)
        throws Exception {
      List<String> labels = request.data().labelNames();
      Path out = request.outputDir();
      return List.of(
          new Candidate("baseline", ChipBundles.linear(out.resolve("b"), labels, 0.01f), true),
          new Candidate("nan", ChipBundles.linear(out.resolve("n"), labels, Float.NaN), false));
    }
  }

  @Test
  void theNanCandidateIsRejectedWithItsReasonAndNeverRegistered(
      EmbeddedKafka kafka, @TempDir Path dir) throws Exception {
    try (PrunerStack stack = PrunerStack.start(kafka, dir)) {
      RegistryClient client = stack.client();
      stack.registerMiniLm("nan-tickets");
      Map<String, Object> policy =
          CompressionPolicy.parse(
                  "{\"methods\": [{\"method\": \"nan-test\"}],"
                      + " \"data\": {\"train\": \"builtin:support-tickets\"}}")
              .toMap();
      Job job = client.createJob(CompressionJobs.submitted("nan-tickets", 1, policy, "nan"));
      CompletableFuture<Job> ended = new CompletableFuture<>();
      JobObserver observer =
          new JobObserver() {
            @Override
            public void jobEnded(Job j) {
              ended.complete(j);
            }
          };
      try (JobWorker worker =
          new JobWorker(
                  client,
                  stack.config("nan", CompressionPolicy.defaultPolicy()),
                  new CompressionMethods(List.of(new NanMethod())),
                  observer)
              .start()) {
        Job done = ended.get(5, TimeUnit.MINUTES);
        assertEquals(job.id(), done.id());
        assertEquals(JobState.FINISHED, done.state(), "job error: " + done.error());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rejected =
            (List<Map<String, Object>>) done.result().get("rejected");
        assertEquals(1, rejected.size(), String.valueOf(done.result()));
        assertEquals("nan-test-nan", rejected.get(0).get("variant"));
        assertEquals("nan-test", rejected.get(0).get("method"));
        String reason = (String) rejected.get(0).get("reason");
        assertTrue(reason.startsWith("non-finite outputs: "), reason);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> variants =
            (List<Map<String, Object>>) done.result().get("variants");
        assertEquals(
            List.of("nan-test-baseline"), variants.stream().map(v -> v.get("variant")).toList());
        List<ModelVersion> versions =
            client.listVersions(VersionQuery.of("nan-tickets").page(50, 0)).items();
        assertEquals(
            List.of(1, 2),
            versions.stream().map(ModelVersion::version).sorted().toList(),
            "the base and the baseline only: the NaN candidate is not registered");
      }
    }
  }
}
