package io.prunegate.pruner.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.prunegate.pruner.PrunerJson;
import io.prunegate.pruner.pareto.ParetoTable;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.registry.Artifact;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A finished job's result as the registry stores it: every variant's verdict from the Pareto table,
 * the alias the policy moves, the best variant when one was accepted, and the report files by name.
 *
 * @param variants one per row of the table, in its order
 * @param alias the policy's alias
 * @param bestVariant the best accepted variant, null when none was accepted (then left out)
 * @param bestVersion its version, null likewise
 * @param rejected the candidates rejected unmeasured and unregistered, with their reasons; left out
 *     when none (results of jobs without any keep their bytes)
 * @param report the uploaded report files by name, in upload order
 */
@JsonPropertyOrder({"variants", "rejected", "alias", "best_variant", "best_version", "report"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobResult(
    List<Variant> variants,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<ParetoTable.Rejected> rejected,
    String alias,
    String bestVariant,
    Integer bestVersion,
    Map<String, ReportFile> report) {

  public JobResult {
    // absent when empty on the wire (results of jobs without rejections keep their bytes)
    variants = variants == null ? List.of() : List.copyOf(variants);
    rejected = rejected == null ? List.of() : List.copyOf(rejected);
    report =
        report == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(report));
  }

  /** One variant's verdict. */
  @JsonPropertyOrder({
    "variant",
    "method",
    "version",
    "accuracy",
    "throughput_per_second",
    "accuracy_drop_points",
    "speedup",
    "baseline",
    "accepted",
    "pareto_optimal"
  })
  public record Variant(
      String variant,
      String method,
      int version,
      double accuracy,
      double throughputPerSecond,
      double accuracyDropPoints,
      double speedup,
      boolean baseline,
      boolean accepted,
      boolean paretoOptimal) {}

  /** One uploaded report file. */
  @JsonPropertyOrder({"name", "sha256", "size"})
  public record ReportFile(String name, String sha256, long size) {}

  /**
   * Reads a finished job's result as the registry hands it back ({@link
   * io.prunegate.registry.Job#result()}), e.g. for a client that shows the verdicts.
   */
  public static JobResult fromMap(Map<String, ?> result) {
    return PrunerJson.fromMap(result, JobResult.class);
  }

  /** The variant registered as {@code version}, if this job registered it. */
  public Optional<Variant> variant(int version) {
    return variants.stream().filter(v -> v.version() == version).findFirst();
  }

  /** The result of a job that compared {@code table} under {@code policy}. */
  static JobResult of(ParetoTable table, CompressionPolicy policy, List<Artifact> report) {
    List<Variant> variants =
        table.rows().stream()
            .map(
                r ->
                    new Variant(
                        r.variant(),
                        r.method(),
                        r.version(),
                        r.metrics().accuracy(),
                        r.metrics().throughputPerSecond(),
                        r.accuracyDropPoints(),
                        r.speedup(),
                        r.baseline(),
                        r.accepted(),
                        r.paretoOptimal()))
            .toList();
    // insertion-ordered: Map.of iterates in a per-JVM random order, so the JSON differed by run
    Map<String, ReportFile> files = new LinkedHashMap<>();
    for (Artifact a : report) {
      files.put(a.name(), new ReportFile(a.name(), a.sha256(), a.size()));
    }
    var best = table.best();
    return new JobResult(
        variants,
        table.rejected(),
        policy.alias(),
        best.map(ParetoTable.Row::variant).orElse(null),
        best.map(ParetoTable.Row::version).orElse(null),
        files);
  }
}
