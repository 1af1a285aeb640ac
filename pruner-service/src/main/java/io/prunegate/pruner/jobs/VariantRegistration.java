package io.prunegate.pruner.jobs;

import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.evaluation.VariantEvaluation;
import io.prunegate.pruner.pareto.VariantMetrics;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.registry.Job;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.Page;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.client.RegistryClient;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job's candidate becomes a registry version: its metrics and comparison with the baseline,
 * the tags that let a retried job find what an earlier attempt registered, and the manifest's
 * lineage pointed at the registry parent. Pure functions over the job's records, apart from the
 * registry lookup and the manifest rewrite.
 */
final class VariantRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(VariantRegistration.class);

  /** Version tag holding the job that registered a variant. */
  static final String TAG_JOB = "job";

  /** Version tag holding the variant's name within its job. */
  static final String TAG_VARIANT = "variant";

  private VariantRegistration() {}

  /** The version a previous attempt of {@code job} registered for {@code variant}, if any. */
  static Optional<ModelVersion> findRegistered(RegistryClient registry, Job job, String variant) {
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

  /** The metrics registered for an evaluation over {@code examples} validation examples. */
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

  /**
   * The version to register for a candidate: its parameters, its metrics with the comparison to the
   * baseline (the paired speedup when measured), the job and variant tags, and an idempotency key
   * so that a retried registration is not a second version.
   */
  static VersionSpec spec(
      Job job,
      MethodSpec method,
      String variant,
      VariantMetrics metrics,
      VariantMetrics baseline,
      double pairedSpeedup,
      CompressionPolicy.Acceptance acceptance,
      boolean isBaseline,
      String device) {
    Map<String, Object> params = new LinkedHashMap<>(method.parameters());
    params.put("variant", variant);
    params.put("policy_entry", method.field());
    double drop = (baseline.accuracy() - metrics.accuracy()) * 100.0;
    double speedup =
        Double.isNaN(pairedSpeedup)
            ? metrics.throughputPerSecond() / baseline.throughputPerSecond()
            : pairedSpeedup;
    Map<String, Object> m =
        PrunerJson.toMap(
            new RegisteredMetrics(
                metrics,
                baseline.accuracy(),
                drop,
                speedup,
                !isBaseline && acceptance.accepts(drop, speedup),
                device));
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(TAG_JOB, job.id());
    tags.put(TAG_VARIANT, variant);
    return VersionSpec.derived(job.version(), method.method())
        .withParameters(params)
        .withMetrics(m)
        .withTags(tags)
        .withDescription(
            variant + " of " + job.model() + ":" + job.version() + " (pruner job " + job.id() + ")")
        .withIdempotencyKey(job.id() + "/" + variant);
  }

  /** Points the bundle's manifest lineage at the registry parent (it names a local directory). */
  static void relabelLineage(Path bundle, Job job, ModelVersion parent) {
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
}
