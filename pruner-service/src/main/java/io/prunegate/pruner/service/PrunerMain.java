package io.prunegate.pruner.service;

import io.prunegate.config.ValueGrammar;
import io.prunegate.events.Topics;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.registry.Job;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.client.RegistryClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pruner as a process: {@code serve} runs a {@link PrunerService} until SIGTERM and prints
 * {@value #READY_MARKER} once it listens; {@code submit} queues a job for a registered version;
 * {@code policy} checks a policy file (or prints the built-in one). Every {@code serve} option has
 * an environment variable; a flag wins over the variable, which wins over the default (the names
 * match {@code k8s/base/pruner.yaml}; see {@code docs/pruner-service.md}).
 */
@Command(
    name = "prunegate-pruner",
    mixinStandardHelpOptions = true,
    description = "PruneGate pruner: compresses every newly registered model by a policy.",
    subcommands = {PrunerMain.Serve.class, PrunerMain.Submit.class, PrunerMain.Policy.class})
public final class PrunerMain implements Runnable {

  /** Printed on stdout once the service runs: {@code PRUNEGATE-PRUNER-READY <worker id>}. */
  public static final String READY_MARKER = "PRUNEGATE-PRUNER-READY";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), new PrintWriter(System.out, true)));
  }

  /** Runs the command line with {@code env} as the environment; returns the exit code. */
  public static int run(String[] args, Map<String, String> env, PrintWriter out) {
    CommandLine cl = commandLine(env);
    cl.setOut(out);
    return cl.execute(args);
  }

  /** The pruner's command line reading {@code env}, for embedding in another CLI. */
  public static CommandLine commandLine(Map<String, String> env) {
    return new CommandLine(new PrunerMain(), new EnvFactory(env));
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by the commands that talk to the registry. */
  static final class RegistryOptions {
    @Option(
        names = "--registry-url",
        description =
            "Registry base URL (env PRUNEGATE_REGISTRY_URL; default http://127.0.0.1:8081)")
    String registryUrl;

    @Option(
        names = "--registry-token",
        description =
            "Registry write token (prefer env PRUNEGATE_REGISTRY_TOKEN: flags show in ps)")
    String registryToken;

    String url(Map<String, String> env) {
      return first(registryUrl, env.get("PRUNEGATE_REGISTRY_URL"), "http://127.0.0.1:8081");
    }

    String token(Map<String, String> env) {
      return first(registryToken, env.get("PRUNEGATE_REGISTRY_TOKEN"), null);
    }
  }

  /** {@code serve}: runs the service until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the pruner service.")
  static final class Serve implements Callable<Integer> {

    private final Map<String, String> env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin RegistryOptions registry = new RegistryOptions();

    @Option(
        names = "--kafka-bootstrap",
        description =
            "Kafka bootstrap servers; unset = no event listener, jobs only from the registry queue"
                + " (env PRUNEGATE_KAFKA_BOOTSTRAP)")
    String kafkaBootstrap;

    @Option(
        names = "--group-id",
        description = "Consumer group (default prunegate-pruner; env PRUNEGATE_PRUNER_GROUP_ID)")
    String groupId;

    @Option(
        names = "--topic",
        description =
            "Model-events topic (default prunegate.model-events; env PRUNEGATE_TOPIC_MODEL_EVENTS)")
    String topic;

    @Option(
        names = "--policy",
        description =
            "Compression policy JSON file; unset = the built-in policy (env PRUNEGATE_PRUNER_POLICY)")
    Path policy;

    @Option(
        names = "--work-dir",
        description = "Work directory (default .prunegate/pruner; env PRUNEGATE_PRUNER_WORK_DIR)")
    Path workDir;

    @Option(
        names = "--worker-id",
        description =
            "Worker id in job claims (default <host>-<pid>; env PRUNEGATE_PRUNER_WORKER_ID)")
    String workerId;

    @Option(
        names = "--concurrency",
        description = "Jobs run at once (default 1; env PRUNEGATE_PRUNER_CONCURRENCY)")
    Integer concurrency;

    @Option(
        names = "--lease",
        description =
            "Job lease, renewed while a job runs (default 2m; env PRUNEGATE_PRUNER_LEASE)")
    String lease;

    @Option(
        names = "--max-attempts",
        description =
            "Claims before a job is given up (default 3; env PRUNEGATE_PRUNER_MAX_ATTEMPTS)")
    Integer maxAttempts;

    @Option(
        names = "--poll-interval",
        description = "Job queue poll interval (default 5s; env PRUNEGATE_PRUNER_POLL_INTERVAL)")
    String pollInterval;

    @Option(
        names = "--device",
        description = "cpu, gpu, gpu:N or auto (default cpu; env PRUNEGATE_DEVICE)")
    String device;

    @Option(
        names = "--threads",
        description = "Engine threads, 0 = engine default (default 0; env PRUNEGATE_THREADS)")
    Integer threads;

    @Option(
        names = "--latency-iterations",
        description =
            "Timed batches per latency figure (default 20; env PRUNEGATE_PRUNER_LATENCY_ITERATIONS)")
    Integer latencyIterations;

    Serve(Map<String, String> env) {
      this.env = env;
    }

    /** The configuration: defaults, then the environment, then the flags. */
    PrunerConfig config() {
      String policyFile =
          first(
              policy == null ? null : policy.toString(), env.get("PRUNEGATE_PRUNER_POLICY"), null);
      CompressionPolicy p =
          policyFile == null
              ? CompressionPolicy.defaultPolicy()
              : CompressionPolicy.read(Path.of(policyFile));
      PrunerConfig c =
          PrunerConfig.of(
              registry.url(env),
              registry.token(env),
              Path.of(
                  first(
                      workDir == null ? null : workDir.toString(),
                      env.get("PRUNEGATE_PRUNER_WORK_DIR"),
                      ".prunegate/pruner")));
      Topics defaults = Topics.fromEnvironment(env);
      Topics topics =
          topic == null
              ? defaults
              : new Topics(
                  defaults.requests(),
                  defaults.results(),
                  defaults.deadLetter(),
                  defaults.feedback(),
                  topic);
      RuntimeOptions runtime =
          new RuntimeOptions(
              first(device, env.get("PRUNEGATE_DEVICE"), "cpu"),
              integer(threads, "PRUNEGATE_THREADS", 0),
              Integer.parseInt(env.getOrDefault("PRUNEGATE_INTEROP_THREADS", "0")));
      return c.withPolicy(p)
          .withKafka(
              first(kafkaBootstrap, env.get("PRUNEGATE_KAFKA_BOOTSTRAP"), null),
              topics,
              first(groupId, env.get("PRUNEGATE_PRUNER_GROUP_ID"), PrunerConfig.DEFAULT_GROUP_ID))
          .withWorker(
              first(
                  workerId, env.get("PRUNEGATE_PRUNER_WORKER_ID"), PrunerConfig.defaultWorkerId()),
              integer(concurrency, "PRUNEGATE_PRUNER_CONCURRENCY", 1))
          .withTiming(
              ValueGrammar.duration(first(lease, env.get("PRUNEGATE_PRUNER_LEASE"), "2m")),
              ValueGrammar.duration(
                  first(pollInterval, env.get("PRUNEGATE_PRUNER_POLL_INTERVAL"), "5s")))
          .withMaxAttempts(integer(maxAttempts, "PRUNEGATE_PRUNER_MAX_ATTEMPTS", 3))
          .withRuntime(
              runtime, integer(latencyIterations, "PRUNEGATE_PRUNER_LATENCY_ITERATIONS", 20));
    }

    private int integer(Integer flag, String var, int fallback) {
      if (flag != null) {
        return flag;
      }
      String v = env.get(var);
      if (v == null || v.isBlank()) {
        return fallback;
      }
      try {
        return Integer.parseInt(v.strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(var + ": '" + v + "' is not an integer");
      }
    }

    @Override
    public Integer call() throws InterruptedException {
      PrunerConfig config;
      try {
        config = config();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("pruner: " + e.getMessage());
        return 2;
      }
      PrunerService service = PrunerService.start(config);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    service.close();
                    stopped.countDown();
                  },
                  "pruner-shutdown"));
      if (!service.awaitListening(Duration.ofMinutes(2))) {
        spec.commandLine().getErr().println("pruner: the model-events listener got no partitions");
      }
      PrintWriter out = spec.commandLine().getOut();
      out.println(READY_MARKER + " " + config.workerId());
      out.flush();
      stopped.await();
      return 0;
    }
  }

  /** {@code submit}: queues a compression job for a registered version. */
  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = "Queue a compression job for a registered version; prints the job.")
  static final class Submit implements Callable<Integer> {

    private final Map<String, String> env;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Mixin RegistryOptions registry = new RegistryOptions();

    @CommandLine.Parameters(
        index = "0",
        paramLabel = "MODEL:VERSION",
        description = "The registered version to compress, e.g. support-tickets:1")
    String ref;

    @Option(
        names = "--policy",
        description = "Policy JSON file; unset = env PRUNEGATE_PRUNER_POLICY or the built-in one")
    Path policy;

    @Option(
        names = "--idempotency-key",
        description = "Repeating a submit with the same key returns the same job")
    String key;

    @Option(names = "--wait", description = "Wait until the job ends, printing its progress")
    boolean await;

    Submit(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      String file =
          first(
              policy == null ? null : policy.toString(), env.get("PRUNEGATE_PRUNER_POLICY"), null);
      CompressionPolicy p;
      try {
        p =
            file == null
                ? CompressionPolicy.defaultPolicy()
                : CompressionPolicy.read(Path.of(file));
        CompressionMethods.builtin().validate(p);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("pruner: " + e.getMessage());
        return 2;
      }
      io.prunegate.events.ModelRef parsed;
      try {
        parsed = io.prunegate.events.ModelRef.parse(ref);
      } catch (IllegalArgumentException e) {
        parsed = null;
      }
      if (parsed == null || parsed.version() == null) {
        spec.commandLine().getErr().println("pruner: '" + ref + "' is not MODEL:VERSION");
        return 2;
      }
      RegistryClient client = RegistryClient.create(registry.url(env), registry.token(env));
      Job job =
          client.createJob(
              CompressionJobs.submitted(parsed.name(), parsed.version(), p.toMap(), key));
      out.println("job " + job.id() + " " + job.state().wireName());
      out.flush();
      if (!await) {
        return 0;
      }
      String last = "";
      while (!job.state().isTerminal()) {
        Thread.sleep(1000);
        job = client.getJob(job.id());
        String line =
            String.format(
                java.util.Locale.ROOT,
                "%s %3.0f%% %s",
                job.state().wireName(),
                job.progress() * 100,
                job.message() == null ? "" : job.message());
        if (!line.equals(last)) {
          out.println(line);
          out.flush();
          last = line;
        }
      }
      out.println(
          job.error() != null
              ? "failed: " + job.error()
              : "finished: " + RegistryJson.writeString(RegistryJson.toTree(job.result())));
      out.flush();
      return job.error() != null ? 1 : 0;
    }
  }

  /** {@code policy}: checks a policy file and prints it as the service reads it. */
  @Command(
      name = "policy",
      mixinStandardHelpOptions = true,
      description = "Check a policy file (or show the built-in policy) and print it normalized.")
  static final class Policy implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(arity = "0..1", paramLabel = "FILE", description = "Policy JSON file")
    Path file;

    @Override
    public Integer call() {
      try {
        CompressionPolicy p =
            file == null ? CompressionPolicy.defaultPolicy() : CompressionPolicy.read(file);
        CompressionMethods.builtin().validate(p);
        spec.commandLine()
            .getOut()
            .println(
                RegistryJson.mapper()
                    .writerWithDefaultPrettyPrinter()
                    .writeValueAsString(p.toJson()));
        return 0;
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("pruner: " + e.getMessage());
        return 2;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  static String first(String flag, String env, String fallback) {
    if (flag != null && !flag.isBlank()) {
      return flag;
    }
    if (env != null && !env.isBlank()) {
      return env;
    }
    return fallback;
  }

  /** Creates the subcommands with the environment they read. */
  private static final class EnvFactory implements CommandLine.IFactory {
    private final Map<String, String> env;

    EnvFactory(Map<String, String> env) {
      this.env = env;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Serve.class) {
        return cls.cast(new Serve(env));
      }
      if (cls == Submit.class) {
        return cls.cast(new Submit(env));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }
}
