package io.prunegate.benchmarks.gateway;

import io.prunegate.config.OptionValues;
import io.prunegate.events.Topics;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.loadtest.LoadPlan;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.loadtest.PhaseReport;
import io.prunegate.loadtest.TextSource;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * End-to-end throughput and latency of a gateway against the model's own batched throughput, in one
 * run: the champion of a registered model is downloaded and measured raw ({@link RawThroughput},
 * batch 32, on the same texts); a gateway is started in this JVM on fresh topics of the given
 * broker; a saturating burst gives the end-to-end throughput through Kafka (answers per second over
 * the middle 80% of arrivals), measured between two raw runs so that the ratio compares like with
 * like on a shared machine; then open-loop phases at 50% and 80% of that throughput give p50/p99
 * latency (from intended send to the result's arrival).
 *
 * <p>Run against a broker and registry that already exist (the standalone demo's, say): {@code
 * GatewayBenchmark --bootstrap 127.0.0.1:9092 --registry-url http://127.0.0.1:8081 --model
 * sentiment --texts sst2/dev.tsv}. The quality test {@code GatewayBenchmarkTest} runs it on the
 * embedded broker with SST-2.
 */
@Command(
    name = "gateway-benchmark",
    mixinStandardHelpOptions = true,
    description = "End-to-end gateway throughput vs raw model throughput, and latency under load.")
public final class GatewayBenchmark implements Callable<Integer> {

  /**
   * What to measure.
   *
   * @param bootstrap Kafka bootstrap servers (topics {@code bench-<uuid>.*} are created there)
   * @param registryUrl the registry
   * @param registryToken its token (null: none)
   * @param model the model whose champion is measured
   * @param texts the texts (used round-robin)
   * @param saturationRequests requests of the saturating burst
   * @param phaseSeconds duration of each latency phase
   * @param workDir downloads and the gateway's cache
   * @param gateway the gateway's options (batching, inference); the benchmark sets its Kafka,
   *     registry, model and HTTP options over them
   */
  public record Options(
      String bootstrap,
      String registryUrl,
      String registryToken,
      String model,
      List<String> texts,
      int saturationRequests,
      double phaseSeconds,
      Path workDir,
      OptionValues gateway) {}

  /**
   * What was measured.
   *
   * @param rawBefore raw examples/s before the end-to-end burst
   * @param rawAfter raw examples/s after it
   * @param saturation the burst
   * @param at50 the phase at 50% of the end-to-end throughput
   * @param at80 the phase at 80%
   */
  public record Result(
      double rawBefore,
      double rawAfter,
      PhaseReport saturation,
      PhaseReport at50,
      PhaseReport at80) {

    public double raw() {
      return (rawBefore + rawAfter) / 2;
    }

    /** End-to-end throughput over raw throughput. */
    public double ratio() {
      return saturation.answerRate() / raw();
    }
  }

  /** Runs the benchmark, printing as it goes. */
  public static Result run(Options o, PrintStream out) throws Exception {
    RegistryClient client = RegistryClient.create(o.registryUrl(), o.registryToken());
    DownloadedVersion champion =
        client.download(io.prunegate.events.ModelRef.parse(o.model()), o.workDir().resolve("raw"));
    GatewayConfig.Inference inf = GatewayConfig.Inference.from(o.gateway());
    int batch = o.gateway().get(GatewayOptions.MAX_BATCH);
    String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    Topics topics =
        new Topics(
            prefix + ".requests",
            prefix + ".results",
            prefix + ".requests.dlq",
            prefix + ".feedback",
            o.gateway().get(GatewayOptions.TOPIC_MODEL_EVENTS),
            prefix + ".shadow-results");
    createTopics(o.bootstrap(), topics);
    GatewayConfig config =
        GatewayConfig.from(
            o.gateway()
                .with(GatewayOptions.KAFKA_BOOTSTRAP, o.bootstrap())
                .with(GatewayOptions.TOPIC_REQUESTS, topics.requests())
                .with(GatewayOptions.TOPIC_RESULTS, topics.results())
                .with(GatewayOptions.TOPIC_DLQ, topics.deadLetter())
                .with(GatewayOptions.TOPIC_FEEDBACK, topics.feedback())
                .with(GatewayOptions.TOPIC_SHADOW_RESULTS, topics.shadowResults())
                .with(GatewayOptions.GROUP_ID, prefix + "-group")
                .with(GatewayOptions.REGISTRY_URL, o.registryUrl())
                .with(GatewayOptions.REGISTRY_TOKEN, o.registryToken())
                .with(GatewayOptions.CACHE_DIR, o.workDir().resolve("gateway-cache"))
                .with(GatewayOptions.REGISTRY_POLL, Duration.ZERO)
                .with(
                    GatewayOptions.MODELS,
                    List.of(io.prunegate.events.ModelRef.parse(o.model()).name()))
                .with(GatewayOptions.HTTP_PORT, -1));
    out.printf(
        "benchmark model=%s version=%d texts=%d batch=%d workers=%d threads=%d%n",
        o.model(),
        champion.version().version(),
        o.texts().size(),
        batch,
        inf.workers(),
        inf.threads());
    try (TextClassifier raw =
            TextClassifier.load(
                champion.directory(),
                new RuntimeOptions(inf.device(), inf.threads(), inf.interOpThreads()));
        Gateway gateway = Gateway.start(config);
        LoadRun run =
            LoadRun.open(LoadTarget.of(o.bootstrap(), topics.requests(), topics.results()))) {
      if (!gateway.awaitReady(Duration.ofMinutes(2))) {
        throw new IllegalStateException("gateway not ready");
      }
      // Warm the path end to end (JIT, consumer group, first batches) before measuring.
      run.run(LoadPlan.of("warmup", 300, 0, o.model(), o.texts()), Duration.ofMinutes(3));
      double rawBefore = RawThroughput.measure(raw, o.texts(), batch, 10);
      out.printf("raw TextClassifier, batch %d: %.1f examples/s%n", batch, rawBefore);
      PhaseReport saturation =
          run.run(
              LoadPlan.of("saturate", o.saturationRequests(), 0, o.model(), o.texts()),
              Duration.ofMinutes(10));
      out.println(saturation);
      double rawAfter = RawThroughput.measure(raw, o.texts(), batch, 10);
      out.printf("raw TextClassifier, batch %d: %.1f examples/s%n", batch, rawAfter);
      double e2e = saturation.answerRate();
      PhaseReport at50 = phase(run, o, "at50", 0.5 * e2e);
      out.println(at50);
      PhaseReport at80 = phase(run, o, "at80", 0.8 * e2e);
      out.println(at80);
      Result r = new Result(rawBefore, rawAfter, saturation, at50, at80);
      out.printf(
          "RESULT raw=%.1f/s (before %.1f, after %.1f) end-to-end=%.1f/s ratio=%.2f (target >= 0.85)%n"
              + "RESULT latency at 50%% (%.0f/s): p50=%.1f ms p99=%.1f ms; at 80%% (%.0f/s): p50=%.1f ms p99=%.1f ms%n",
          r.raw(),
          rawBefore,
          rawAfter,
          e2e,
          r.ratio(),
          at50.targetRate(),
          at50.latency().p50Ms(),
          at50.latency().p99Ms(),
          at80.targetRate(),
          at80.latency().p50Ms(),
          at80.latency().p99Ms());
      return r;
    }
  }

  private static PhaseReport phase(LoadRun run, Options o, String name, double rate) {
    int n = (int) Math.max(50, rate * o.phaseSeconds());
    return run.run(LoadPlan.of(name, n, rate, o.model(), o.texts()), Duration.ofMinutes(10));
  }

  private static void createTopics(String bootstrap, Topics t) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(t.requests(), 3, (short) 1),
                  new NewTopic(t.results(), 3, (short) 1),
                  new NewTopic(t.deadLetter(), 1, (short) 1),
                  new NewTopic(t.feedback(), 1, (short) 1),
                  new NewTopic(t.shadowResults(), 3, (short) 1)))
          .all()
          .get();
    }
  }

  // ------------------------------------------------------------------ CLI

  @Option(names = "--bootstrap", required = true, description = "Kafka bootstrap servers")
  String bootstrap;

  @Option(names = "--registry-url", required = true)
  String registryUrl;

  @Option(names = "--registry-token", defaultValue = "${env:PRUNEGATE_REGISTRY_TOKEN}")
  String registryToken;

  @Option(names = "--model", required = true, description = "model (its champion is measured)")
  String model;

  @Option(names = "--texts", description = "texts: .tsv (sentence column), .jsonl or lines")
  Path texts;

  @Option(names = "--requests", defaultValue = "4000", description = "saturating burst size")
  int requests;

  @Option(names = "--phase-seconds", defaultValue = "20", description = "latency phase length")
  double phaseSeconds;

  @Option(names = "--workers", defaultValue = "1")
  int workers;

  @Option(names = "--threads", defaultValue = "2")
  int threads;

  @Option(names = "--max-batch", defaultValue = "32")
  int maxBatch;

  @Override
  public Integer call() throws Exception {
    Path work = Files.createTempDirectory("prunegate-bench-");
    OptionValues defaults = GatewayOptions.TABLE.defaults();
    OptionValues g =
        defaults
            .with(GatewayOptions.MAX_BATCH, maxBatch)
            .with(
                GatewayOptions.QUEUE_CAPACITY,
                Math.max(defaults.get(GatewayOptions.QUEUE_CAPACITY), maxBatch))
            .with(GatewayOptions.WORKERS, workers)
            .with(GatewayOptions.THREADS, threads)
            .with(GatewayOptions.INTEROP_THREADS, 1);
    run(
        new Options(
            bootstrap,
            registryUrl,
            registryToken,
            model,
            texts == null ? TextSource.builtIn() : TextSource.read(texts, 0),
            requests,
            phaseSeconds,
            work,
            g),
        System.out);
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new GatewayBenchmark()).execute(args));
  }
}
