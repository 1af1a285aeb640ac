package io.prunegate.standalone.demo;

import io.prunegate.events.EventCodec;
import io.prunegate.events.Feedback;
import io.prunegate.experiments.join.Experiment;
import io.prunegate.experiments.policy.DecisionPolicy;
import io.prunegate.experiments.policy.DecisionRules;
import io.prunegate.experiments.service.ExperimentService;
import io.prunegate.experiments.service.ExperimentStatus;
import io.prunegate.loadtest.Answer;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.pruner.data.LabelledDataset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The demo's A/B experiment on live labels: the test tickets go once to the bare model name (the
 * gateway splits them between champion and challenger), then their true labels go to the feedback
 * topic after the answers, as a labelling process would send them; the experiments service joins
 * them, judges and acts through the registry. Each ticket is sent once: repeating the 100 tickets
 * would add labels but no evidence.
 */
final class AbExperiment {

  /**
   * The demo's decision policy: 100 test tickets give about 50 labels per arm, where the
   * anytime-valid interval is some 15 to 20 points wide on each side; a 20-point margin is what
   * such a sample can decide (the default 1-point margin needs thousands of labels per arm).
   */
  static final DecisionPolicy POLICY =
      DecisionPolicy.parse(
          "{\"defaults\": {\"non_inferiority_margin_points\": 20.0, \"alpha\": 0.05,"
              + " \"min_labelled_per_arm\": 30, \"max_duration\": \"PT1H\", \"latency_guard\":"
              + " true, \"latency_guard_p99_factor\": 3.0, \"error_rate_guard_points\": 5.0,"
              + " \"planned_labels_per_arm\": 50}}");

  /** What the experiment showed. */
  record Outcome(int sent, int labelled, Optional<ExperimentStatus> status, Integer championAfter) {

    String policyLine() {
      DecisionRules r = POLICY.defaults();
      return String.format(
          Locale.ROOT,
          "non-inferiority margin %.0f points at alpha %.2f (anytime-valid), at least %d labels per"
              + " arm, p99 guard %.1fx, error guard %.0f points; the shipped 100 test tickets are"
              + " too few for the 1-point default",
          r.nonInferiorityMarginPoints(),
          r.alpha(),
          r.minLabelledPerArm(),
          r.latencyGuardP99Factor(),
          r.errorRateGuardPoints());
    }
  }

  private AbExperiment() {}

  /**
   * Sends the test tickets to {@code model} at {@code rate}, their labels after the answers, and
   * waits up to {@code wait} for the service to decide the experiment of {@code champion} against
   * {@code challenger} and act on it.
   */
  static Outcome run(
      LoadRun run,
      TrafficMeter meter,
      LabelledDataset test,
      String model,
      double rate,
      String bootstrapServers,
      String feedbackTopic,
      ExperimentService service,
      int champion,
      int challenger,
      Duration wait,
      java.util.function.Supplier<Integer> championNow) {
    LoadPlan plan = meter.plan("ab", model, test.size(), rate);
    meter.send(plan, wait);
    Map<String, Answer> answers = run.collector().answers();
    int labelled = 0;
    try (KafkaProducer<byte[], byte[]> p = producer(bootstrapServers)) {
      for (int i = 0; i < plan.requests(); i++) {
        String id = run.runId() + "-" + plan.name() + "-" + i;
        if (!answers.containsKey(id)) {
          continue;
        }
        String truth = test.labelNames().get(test.labels().get(i % test.size()));
        Feedback f = new Feedback(id, truth, model, System.currentTimeMillis());
        p.send(
            new ProducerRecord<>(
                feedbackTopic, id.getBytes(StandardCharsets.UTF_8), EventCodec.get().encode(f)));
        labelled++;
      }
      p.flush();
    }
    long end = System.nanoTime() + wait.toNanos();
    Optional<ExperimentStatus> status = Optional.empty();
    int joinedPasses = 0;
    while (System.nanoTime() < end) {
      status = find(service, model, champion, challenger);
      if (status.isPresent() && status.get().decided() && status.get().action() != null) {
        break;
      }
      // every label joined and still no verdict: no more evidence is coming; give the judge 2 s
      // more and report what it says
      if (status.isPresent()
          && status.get().champion().tally().labelled()
                  + status.get().challenger().tally().labelled()
              >= labelled
          && ++joinedPasses > 10) {
        break;
      }
      sleep(200);
    }
    return new Outcome(plan.requests(), labelled, status, championNow.get());
  }

  /** The latest experiment of this champion against this challenger the service judged. */
  static Optional<ExperimentStatus> find(
      ExperimentService service, String model, int champion, int challenger) {
    return service.statuses().stream()
        .filter(
            s -> {
              Experiment e = s.experiment();
              return e.model().equals(model)
                  && e.kind() == Experiment.Kind.CHALLENGER
                  && e.championVersion() == champion
                  && e.challengerVersion() == challenger;
            })
        .reduce((a, b) -> b);
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
