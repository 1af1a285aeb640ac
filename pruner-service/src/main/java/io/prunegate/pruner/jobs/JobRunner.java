package io.prunegate.pruner.jobs;

import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.chip.ChipMethod;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.CandidateOutcome;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
import io.prunegate.pruner.evaluation.VariantSpeedBenchmark;
import io.prunegate.pruner.method.Candidate;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.method.CompressionRequest;
import io.prunegate.pruner.pareto.ParetoTable;
import io.prunegate.pruner.pareto.VariantMetrics;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyData;
import io.prunegate.pruner.progress.ProgressListener;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one claimed compression job to its end: reads the job's policy, downloads the parent
 * version, loads the data, runs every method of the policy, evaluates every candidate the same way
 * (validation accuracy, parameters, FLOPs, latency at batch 1 and 32), registers each as a version
 * derived from the parent, compares them in a Pareto table (attached to the job's result), points
 * the policy's alias at the best accepted candidate, and finishes the job; or fails it with a
 * reason that names the step and the cause.
 *
 * <p>Idempotent under retries: each variant is registered with tags {@code job=<job id>} and {@code
 * variant=<name>} and an idempotency key {@code <job id>/<name>}; a retried job (its worker died,
 * its lease passed to another) finds the variants registered before by their tags, reuses their
 * version and metrics instead of measuring again, and so never registers a variant twice.
 */
final class JobRunner {

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private final RegistryClient registry;
  private final CompressionMethods methods;
  private final PrunerConfig config;
  private final String workerId;
  private final JobObserver observer;

  JobRunner(
      RegistryClient registry,
      CompressionMethods methods,
      PrunerConfig config,
      String workerId,
      JobObserver observer) {
    this.registry = registry;
    this.methods = methods;
    this.config = config;
    this.workerId = workerId;
    this.observer = observer;
  }

  /** Runs {@code job} (claimed by this worker) to its end; returns the job as last recorded. */
  Job run(Job job) {
    long t0 = System.nanoTime();
    Path jobDir = config.workDir().resolve("jobs").resolve(job.id());
    observer.jobStarted(job);
    try (JobLease lease = new JobLease(registry, job, workerId, config.heartbeat(), observer)) {
      Attempt a = new Attempt(job, jobDir, lease);
      try {
        if (job.attempts() > config.maxAttempts()) {
          lease.close();
          return fail(
              job,
              "abandoned after "
                  + (job.attempts() - 1)
                  + " attempts that did not end (worker crashed or lost its lease each time)",
              t0);
        }
        a.prepare();
        a.download();
        a.readData();
        a.compress();
        a.ensureBaseline();
        a.evaluate();
        a.report();
        a.moveAlias();
        Job done = a.finish();
        LOG.info(
            "job {} finished in {} s: {} variants, best {}",
            job.id(),
            (System.nanoTime() - t0) / 1_000_000_000,
            a.entries.size(),
            a.table
                .best()
                .map(b -> b.variant() + " (version " + b.version() + ")")
                .orElse("none accepted"));
        observer.jobEnded(done);
        return done;
      } catch (LeaseLostException e) {
        LOG.warn("job {}: stopped, {}", job.id(), e.getMessage());
        observer.jobAbandoned(job, e.getMessage());
        return job;
      } catch (Exception | LinkageError e) {
        if (stoppedByShutdown(e)) {
          // not the job's fault: it stays claimed, its lease runs out and the next claim retries it
          LOG.info(
              "job {}: stopped while {} (this worker is shutting down); it is retried once its"
                  + " lease runs out",
              job.id(),
              a.step);
          lease.close();
          observer.jobAbandoned(job, "stopped by shutdown while " + a.step);
          return job;
        }
        LOG.warn("job {} failed while {}", job.id(), a.step, e);
        lease.close();
        try {
          lease.requireHeld();
        } catch (LeaseLostException lost) {
          observer.jobAbandoned(job, lost.getMessage());
          return job;
        }
        return fail(job, a.step + ": " + reason(e), t0);
      }
    } finally {
      try {
        deleteRecursively(jobDir);
      } catch (IOException e) {
        LOG.warn("cannot delete {}: {}", jobDir, e.getMessage());
      }
    }
  }

  /**
   * One attempt at a job, one method per {@link JobStage}: each stage reads what the earlier ones
   * left in the fields and names itself in {@link #step}, which a failure's reason quotes.
   */
  private final class Attempt {
    private final Job job;
    private final Path jobDir;
    private final JobLease lease;
    private String step = "reading the policy";
    private CompressionPolicy policy;
    private List<CompressionMethod> chosen;
    private DownloadedVersion parent;
    private DatasetSplits data;
    private Optional<Path> calibration;
    private final List<Produced> produced = new ArrayList<>();
    private final List<ParetoTable.Entry> entries = new ArrayList<>();
    private final List<ParetoTable.Rejected> rejected = new ArrayList<>();
    private ParetoTable table;
    private final List<Artifact> reportArtifacts = new ArrayList<>();

    Attempt(Job job, Path jobDir, JobLease lease) {
      this.job = job;
      this.jobDir = jobDir;
      this.lease = lease;
    }

    /** {@link JobStage#PREPARING}: a clean job directory, the policy and its methods. */
    void prepare() throws IOException {
      // candidates of completed methods survive a crash (see CandidateCheckpoint); the rest is
      // redone
      deleteRecursively(jobDir.resolve("data"));
      deleteRecursively(jobDir.resolve("report"));
      Files.createDirectories(jobDir);
      policy = CompressionJobs.policyOf(job);
      chosen = methods.validate(policy);
    }

    /** {@link JobStage#DOWNLOADING}: the parent version. */
    void download() {
      step = "downloading " + job.model() + ":" + job.version();
      JobStage.DOWNLOADING.begin(lease, step);
      parent = registry.download(job.model(), job.version(), config.workDir().resolve("models"));
    }

    /** {@link JobStage#READING_DATA}: the splits (labels checked against the model's) and text. */
    void readData() {
      step = "reading the dataset";
      JobStage.READING_DATA.begin(lease, step);
      PolicyData policyData = new PolicyData(registry, jobDir.resolve("data"));
      data = policyData.splits(policy.data());
      checkLabels(registry.getModel(job.model()), data);
      calibration = policyData.calibration(policy.calibration());
    }

    /** {@link JobStage#COMPRESSING}: every method of the policy, in order. */
    void compress() throws Exception {
      List<MethodSpec> specs = policy.methods();
      for (int i = 0; i < specs.size(); i++) {
        MethodSpec spec = specs.get(i);
        step = "method " + spec.method() + " (" + spec.field() + ")";
        ProgressListener slice =
            prefixed(JobStage.COMPRESSING.part(lease, i, specs.size()), spec.label());
        for (Candidate c : candidates(chosen.get(i), spec, slice)) {
          produced.add(new Produced(spec, c, spec.label() + "-" + c.role()));
        }
      }
    }

    /**
     * {@link JobStage#BASELINE}: the parent's own classifier when no method produced it, then the
     * baseline first: every other variant's metrics are relative to it.
     */
    void ensureBaseline() throws Exception {
      if (produced.stream().noneMatch(p -> p.candidate().baseline())) {
        // the comparison needs the parent's own classifier: chip-tuning's full-depth chip
        MethodSpec spec = baselineSpec();
        step = "building the baseline";
        ProgressListener slice = prefixed(JobStage.BASELINE.range(lease), spec.label());
        for (Candidate c : candidates(new ChipMethod(), spec, slice)) {
          if (c.baseline()) {
            produced.add(new Produced(spec, c, spec.label() + "-" + c.role()));
          }
        }
      }
      produced.sort(Comparator.comparing((Produced p) -> !p.candidate().baseline()));
      if (!produced.get(0).candidate().baseline()) {
        throw new IllegalStateException("chip-tuning produced no baseline candidate");
      }
    }

    /**
     * {@link JobStage#EVALUATING}: measures and registers every candidate, or reuses the version a
     * previous attempt registered for it. A candidate whose outputs are not finite is rejected
     * (listed with its reason, never registered) and the job goes on; a rejected baseline fails the
     * job, since nothing can be compared with it.
     */
    void evaluate() {
      VariantEvaluator evaluator =
          new VariantEvaluator(config.runtime(), config.latencyIterations());
      VariantMetrics baseline = null;
      for (int i = 0; i < produced.size(); i++) {
        Produced p = produced.get(i);
        boolean isBaseline = i == 0;
        step = "evaluating and registering " + p.variant();
        JobStage.EVALUATING.beginPart(lease, i, produced.size(), step);
        Optional<ModelVersion> existing =
            VariantRegistration.findRegistered(registry, job, p.variant());
        ModelVersion version;
        VariantMetrics metrics;
        double pairedSpeedup = Double.NaN;
        if (existing.isPresent()) {
          version = existing.get();
          metrics = VariantMetrics.fromMap(version.metrics());
          if (!isBaseline && version.metrics().get("speedup") instanceof Number n) {
            pairedSpeedup = n.doubleValue();
          }
          LOG.info(
              "job {}: variant {} already registered as version {} (retry), reusing it",
              job.id(),
              p.variant(),
              version.version());
        } else {
          CandidateOutcome outcome = evaluator.screen(p.candidate().bundle(), data.validation());
          lease.requireHeld();
          if (outcome instanceof CandidateOutcome.Rejected r) {
            if (isBaseline) {
              throw new IllegalStateException("the baseline " + p.variant() + ": " + r.reason());
            }
            LOG.warn("job {}: rejected {}: {}", job.id(), p.variant(), r.reason());
            rejected.add(new ParetoTable.Rejected(p.variant(), p.spec().method(), r.reason()));
            continue;
          }
          VariantEvaluation e = ((CandidateOutcome.Measured) outcome).evaluation();
          metrics = VariantRegistration.metricsOf(e, data.validation().size());
          if (!isBaseline) {
            pairedSpeedup = pairedSpeedup(p);
          }
          VariantRegistration.relabelLineage(p.candidate().bundle(), job, parent.version());
          version =
              registry.createVersion(
                  job.model(),
                  p.candidate().bundle(),
                  VariantRegistration.spec(
                      job,
                      p.spec(),
                      p.variant(),
                      metrics,
                      isBaseline ? metrics : baseline,
                      pairedSpeedup,
                      policy.acceptance(),
                      isBaseline,
                      config.runtime().device()));
          LOG.info(
              "job {}: registered {} as {}:{} accuracy={} throughput={}/s",
              job.id(),
              p.variant(),
              version.model(),
              version.version(),
              String.format("%.4f", metrics.accuracy()),
              String.format("%.1f", metrics.throughputPerSecond()));
        }
        if (isBaseline) {
          baseline = metrics;
        }
        entries.add(
            new ParetoTable.Entry(
                p.variant(),
                p.spec().method(),
                version.version(),
                metrics,
                isBaseline,
                pairedSpeedup));
      }
    }

    /**
     * The candidate's throughput over the baseline's, both timed in alternating rounds of one run
     * on the validation texts (as many batch-32 rounds as latency iterations); NaN when latency is
     * not measured.
     */
    private double pairedSpeedup(Produced p) {
      if (config.latencyIterations() == 0) {
        return Double.NaN;
      }
      step = "timing " + p.variant() + " against the baseline";
      double ratio =
          VariantSpeedBenchmark.ratio(
              produced.get(0).candidate().bundle(),
              p.candidate().bundle(),
              data.validation().texts(),
              32,
              config.latencyIterations(),
              config.runtime());
      lease.requireHeld();
      return ratio;
    }

    /** {@link JobStage#REPORTING}: the Pareto table, written and uploaded. */
    void report() throws IOException {
      step = "writing the report";
      JobStage.REPORTING.begin(lease, step);
      table =
          ParetoTable.compare(job.model(), job.version(), policy.acceptance(), entries, rejected);
      for (Path f : table.write(jobDir.resolve("report"))) {
        reportArtifacts.add(registry.uploadArtifact(f));
      }
    }

    /** {@link JobStage#REPORTING}: the policy's alias to the best accepted variant, if any. */
    void moveAlias() {
      Optional<ParetoTable.Row> best = table.best();
      if (best.isPresent()) {
        step = "moving alias " + policy.alias();
        lease.requireHeld();
        RegisteredModel m = registry.getModel(job.model());
        Integer current = m.aliases().get(policy.alias());
        if (current == null || current != best.get().version()) {
          registry.setAlias(job.model(), policy.alias(), best.get().version());
        }
      }
    }

    /** {@link JobStage#REPORTING}: the job finished with its result, while the lease is held. */
    Job finish() {
      step = "finishing";
      lease.close();
      lease.requireHeld();
      return registry.finishJob(job.id(), workerId, result(table, policy, reportArtifacts));
    }

    /**
     * The candidates of one policy entry: those checkpointed by an earlier attempt of this job on
     * this machine when they are intact, else the method's fresh output (then checkpointed).
     */
    private List<Candidate> candidates(
        CompressionMethod method, MethodSpec spec, ProgressListener progress) throws Exception {
      Path out = jobDir.resolve("candidates").resolve(spec.label());
      Optional<List<Candidate>> done = CandidateCheckpoint.read(out, spec.method());
      if (done.isPresent()) {
        LOG.info(
            "job {}: reusing the {} candidates {} built before the restart",
            job.id(),
            spec.label(),
            done.get().stream().map(Candidate::role).toList());
        progress.update(1, "reused " + done.get().size() + " candidates built before");
        return done.get();
      }
      deleteRecursively(out);
      Files.createDirectories(out);
      CompressionRequest request =
          new CompressionRequest(
              spec,
              job.model(),
              job.version(),
              parent.directory(),
              data,
              calibration,
              out,
              config.runtime(),
              policy.data().seed(),
              config.latencyIterations());
      List<Candidate> candidates = method.compress(request, progress);
      if (candidates.isEmpty()) {
        throw new IllegalStateException("produced no candidate");
      }
      CandidateCheckpoint.write(out, spec.method(), candidates);
      return candidates;
    }
  }

  private Job fail(Job job, String reason, long t0) {
    try {
      Job failed = registry.failJob(job.id(), workerId, reason);
      LOG.info(
          "job {} failed after {} s: {}",
          job.id(),
          (System.nanoTime() - t0) / 1_000_000_000,
          reason);
      observer.jobEnded(failed);
      return failed;
    } catch (RuntimeException e) {
      // registry gone: the lease runs out and another attempt will decide
      LOG.error("job {}: cannot record the failure ({}): {}", job.id(), reason, e.getMessage());
      observer.jobAbandoned(job, reason);
      return job;
    }
  }

  /**
   * Whether {@code e} came from {@link JobWorker#stop} interrupting this thread: the interrupt flag
   * is still set, or an interruption (a channel closed by it, an interrupted wait or HTTP call) is
   * among its causes.
   */
  static boolean stoppedByShutdown(Throwable e) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof ClosedByInterruptException
          || t instanceof InterruptedIOException) {
        return true;
      }
    }
    return false;
  }

  /** A one-line cause: the message of a clear error, the type and message of anything else. */
  static String reason(Throwable e) {
    Throwable t = e;
    if (t instanceof UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage() == null ? "" : t.getMessage();
    if (t instanceof IllegalArgumentException) {
      return msg;
    }
    if (t instanceof RegistryException r) {
      return "registry: " + r.getMessage();
    }
    return t.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
  }

  private record Produced(MethodSpec spec, Candidate candidate, String variant) {}

  private static MethodSpec baselineSpec() {
    return new MethodSpec(
        ChipMethod.NAME,
        Map.of("selection", "ratio=0", "head", "linear", "early_exit", false),
        "baseline",
        "baseline");
  }

  private static ProgressListener prefixed(ProgressListener p, String label) {
    return (f, m) -> p.update(f, label + ": " + m);
  }

  /** The model's label set, when registered, must be the dataset's. */
  private static void checkLabels(RegisteredModel model, DatasetSplits data) {
    if (!model.labels().isEmpty()
        && !new java.util.HashSet<>(model.labels())
            .equals(new java.util.HashSet<>(data.labelNames()))) {
      throw new IllegalArgumentException(
          "the dataset's labels "
              + data.labelNames()
              + " differ from model '"
              + model.name()
              + "' labels "
              + model.labels());
    }
  }

  /** The job's result as the registry stores it: the table's verdicts and the report files. */
  static Map<String, Object> result(
      ParetoTable table, CompressionPolicy policy, List<Artifact> report) {
    return PrunerJson.toMap(JobResult.of(table, policy, report));
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
