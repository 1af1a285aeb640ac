package io.prunegate.pruner.jobs;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.chip.ChipMethod;
import io.prunegate.pruner.config.PrunerConfig;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.evaluation.VariantEvaluator;
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
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
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

  /** Version tag holding the job that registered a variant. */
  static final String TAG_JOB = "job";

  /** Version tag holding the variant's name within its job. */
  static final String TAG_VARIANT = "variant";

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
    String step = "reading the policy";
    observer.jobStarted(job);
    try (JobLease lease = new JobLease(registry, job, workerId, config.heartbeat(), observer)) {
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
        // candidates of completed methods survive a crash (see CandidateCheckpoint); the rest is
        // redone
        deleteRecursively(jobDir.resolve("data"));
        deleteRecursively(jobDir.resolve("report"));
        Files.createDirectories(jobDir);
        CompressionPolicy policy = CompressionJobs.policyOf(job);
        List<CompressionMethod> chosen = methods.validate(policy);

        step = "downloading " + job.model() + ":" + job.version();
        lease.update(0.01, step);
        DownloadedVersion parent =
            registry.download(job.model(), job.version(), config.workDir().resolve("models"));

        step = "reading the dataset";
        lease.update(0.04, step);
        PolicyData policyData = new PolicyData(registry, jobDir.resolve("data"));
        DatasetSplits data = policyData.splits(policy.data());
        checkLabels(registry.getModel(job.model()), data);
        Optional<Path> calibration = policyData.calibration(policy.calibration());

        List<MethodSpec> specs = policy.methods();
        List<Produced> produced = new ArrayList<>();
        double span = 0.6 / specs.size();
        for (int i = 0; i < specs.size(); i++) {
          MethodSpec spec = specs.get(i);
          step = "method " + spec.method() + " (" + spec.field() + ")";
          ProgressListener slice =
              prefixed(lease.slice(0.05 + i * span, 0.05 + (i + 1) * span), spec.label());
          for (Candidate c :
              candidates(
                  chosen.get(i), spec, job, jobDir, parent, data, calibration, policy, slice)) {
            produced.add(new Produced(spec, c, spec.label() + "-" + c.role()));
          }
        }
        if (produced.stream().noneMatch(p -> p.candidate().baseline())) {
          // the comparison needs the parent's own classifier: chip-tuning's full-depth chip
          MethodSpec spec = baselineSpec();
          step = "building the baseline";
          ProgressListener slice = prefixed(lease.slice(0.65, 0.68), spec.label());
          for (Candidate c :
              candidates(
                  new ChipMethod(), spec, job, jobDir, parent, data, calibration, policy, slice)) {
            if (c.baseline()) {
              produced.add(new Produced(spec, c, spec.label() + "-" + c.role()));
            }
          }
        }
        // the baseline first: every other variant's metrics are relative to it
        produced.sort(Comparator.comparing((Produced p) -> !p.candidate().baseline()));
        if (!produced.get(0).candidate().baseline()) {
          throw new IllegalStateException("chip-tuning produced no baseline candidate");
        }

        VariantEvaluator evaluator =
            new VariantEvaluator(config.runtime(), config.latencyIterations());
        List<ParetoTable.Entry> entries = new ArrayList<>();
        VariantMetrics baseline = null;
        double evalSpan = 0.29 / produced.size();
        for (int i = 0; i < produced.size(); i++) {
          Produced p = produced.get(i);
          boolean isBaseline = i == 0;
          step = "evaluating and registering " + p.variant();
          lease.update(0.68 + i * evalSpan, step);
          Optional<ModelVersion> existing = findRegistered(job, p.variant());
          ModelVersion version;
          VariantMetrics metrics;
          if (existing.isPresent()) {
            version = existing.get();
            metrics = VariantMetrics.fromMap(version.metrics());
            LOG.info(
                "job {}: variant {} already registered as version {} (retry), reusing it",
                job.id(),
                p.variant(),
                version.version());
          } else {
            VariantEvaluation e = evaluator.evaluate(p.candidate().bundle(), data.validation());
            lease.requireHeld();
            metrics = metricsOf(e, data.validation().size());
            relabelLineage(p.candidate().bundle(), job, parent.version());
            version =
                registry.createVersion(
                    job.model(),
                    p.candidate().bundle(),
                    spec(
                        job,
                        p,
                        metrics,
                        isBaseline ? metrics : baseline,
                        policy.acceptance(),
                        isBaseline));
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
                  p.variant(), p.spec().method(), version.version(), metrics, isBaseline));
        }

        step = "writing the report";
        lease.update(0.97, step);
        ParetoTable table =
            ParetoTable.compare(job.model(), job.version(), policy.acceptance(), entries);
        List<Path> reportFiles = table.write(jobDir.resolve("report"));
        List<Artifact> report = new ArrayList<>();
        for (Path f : reportFiles) {
          report.add(registry.uploadArtifact(f));
        }

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
        step = "finishing";
        lease.close();
        lease.requireHeld();
        Job done = registry.finishJob(job.id(), workerId, result(table, policy, report));
        LOG.info(
            "job {} finished in {} s: {} variants, best {}",
            job.id(),
            (System.nanoTime() - t0) / 1_000_000_000,
            entries.size(),
            best.map(b -> b.variant() + " (version " + b.version() + ")").orElse("none accepted"));
        observer.jobEnded(done);
        return done;
      } catch (LeaseLostException e) {
        LOG.warn("job {}: stopped, {}", job.id(), e.getMessage());
        observer.jobAbandoned(job, e.getMessage());
        return job;
      } catch (Exception | LinkageError e) {
        LOG.warn("job {} failed while {}", job.id(), step, e);
        lease.close();
        try {
          lease.requireHeld();
        } catch (LeaseLostException lost) {
          observer.jobAbandoned(job, lost.getMessage());
          return job;
        }
        return fail(job, step + ": " + reason(e), t0);
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
   * The candidates of one policy entry: those checkpointed by an earlier attempt of this job on
   * this machine when they are intact, else the method's fresh output (then checkpointed).
   */
  private List<Candidate> candidates(
      CompressionMethod method,
      MethodSpec spec,
      Job job,
      Path jobDir,
      DownloadedVersion parent,
      DatasetSplits data,
      Optional<Path> calibration,
      CompressionPolicy policy,
      ProgressListener progress)
      throws Exception {
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

  private Optional<ModelVersion> findRegistered(Job job, String variant) {
    Page<ModelVersion> page =
        registry.listVersions(
            VersionQuery.of(job.model())
                .withTag(TAG_JOB, job.id())
                .withTag(TAG_VARIANT, variant)
                .page(10, 0));
    if (page.items().size() > 1) {
      LOG.error(
          "job {}: {} versions carry variant {}; using the first",
          job.id(),
          page.items().size(),
          variant);
    }
    return page.items().stream().min(Comparator.comparingInt(ModelVersion::version));
  }

  static VariantMetrics metricsOf(VariantEvaluation e, int examples) {
    return new VariantMetrics(
        e.accuracy(),
        examples,
        e.parameterCount(),
        e.flopsPerToken(),
        e.batch1().p50Ms(),
        e.batch1().p95Ms(),
        e.batch32().p50Ms(),
        e.batch32().p95Ms(),
        e.throughputPerSecond(),
        Double.isNaN(e.meanExitLayer())
            ? OptionalDouble.empty()
            : OptionalDouble.of(e.meanExitLayer()));
  }

  private VersionSpec spec(
      Job job,
      Produced p,
      VariantMetrics metrics,
      VariantMetrics baseline,
      CompressionPolicy.Acceptance acceptance,
      boolean isBaseline) {
    Map<String, Object> params = new LinkedHashMap<>(p.spec().parameters());
    params.put("variant", p.variant());
    params.put("policy_entry", p.spec().field());
    Map<String, Object> m = new LinkedHashMap<>(metrics.toMap());
    double drop = (baseline.accuracy() - metrics.accuracy()) * 100.0;
    double speedup = metrics.throughputPerSecond() / baseline.throughputPerSecond();
    m.put("baseline_accuracy", baseline.accuracy());
    m.put("accuracy_drop_points", drop);
    m.put("speedup", speedup);
    m.put("accepted", !isBaseline && acceptance.accepts(drop, speedup));
    m.put("device", config.runtime().device());
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_JOB, job.id());
    tags.put(TAG_VARIANT, p.variant());
    return VersionSpec.derived(job.version(), p.spec().method())
        .withParameters(params)
        .withMetrics(m)
        .withTags(tags)
        .withDescription(
            p.variant()
                + " of "
                + job.model()
                + ":"
                + job.version()
                + " (pruner job "
                + job.id()
                + ")")
        .withIdempotencyKey(job.id() + "/" + p.variant());
  }

  /** Points the bundle's manifest lineage at the registry parent (it names a local directory). */
  private static void relabelLineage(Path bundle, Job job, ModelVersion parent) {
    if (!VariantBundle.isBundle(bundle)) {
      throw new IllegalStateException(bundle + " is not a variant bundle (no manifest.json)");
    }
    BundleManifest m = VariantBundle.readManifest(bundle);
    String base = job.model();
    BundleManifest.Lineage lineage =
        new BundleManifest.Lineage(job.model(), parent.version(), base);
    VariantBundle.writeManifest(
        bundle,
        new BundleManifest(
            m.schemaVersion(),
            m.variant(),
            m.method(),
            m.parameters(),
            lineage,
            m.structure(),
            m.labels(),
            m.evaluation(),
            m.latency(),
            m.data(),
            m.files(),
            m.details()));
  }

  /** The job's result as the registry stores it: the table's verdicts and the report files. */
  static Map<String, Object> result(
      ParetoTable table, CompressionPolicy policy, List<Artifact> report) {
    Map<String, Object> r = new LinkedHashMap<>();
    List<Map<String, Object>> variants = new ArrayList<>();
    for (ParetoTable.Row row : table.rows()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("variant", row.variant());
      v.put("method", row.method());
      v.put("version", row.version());
      v.put("accuracy", row.metrics().accuracy());
      v.put("throughput_per_second", row.metrics().throughputPerSecond());
      v.put("accuracy_drop_points", row.accuracyDropPoints());
      v.put("speedup", row.speedup());
      v.put("baseline", row.baseline());
      v.put("accepted", row.accepted());
      v.put("pareto_optimal", row.paretoOptimal());
      variants.add(v);
    }
    r.put("variants", variants);
    r.put("alias", policy.alias());
    table
        .best()
        .ifPresent(
            b -> {
              r.put("best_variant", b.variant());
              r.put("best_version", b.version());
            });
    Map<String, Object> rep = new LinkedHashMap<>();
    for (Artifact a : report) {
      // insertion-ordered: Map.of iterates in a per-JVM random order, so the JSON differed by run
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", a.name());
      entry.put("sha256", a.sha256());
      entry.put("size", a.size());
      rep.put(a.name(), entry);
    }
    r.put("report", rep);
    return r;
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
