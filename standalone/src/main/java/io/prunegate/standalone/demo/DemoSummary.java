package io.prunegate.standalone.demo;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a demo run produced: the per-variant rows, the live traffic tally, the A/B experiment, the
 * service URLs and what it reused from earlier runs.
 *
 * @param rows one per variant measured (the champion first, then every other version in order)
 * @param paretoReport the pruner job's Pareto report, when it wrote one
 * @param policy the pruner's policy in one line (methods, data, acceptance rule, alias)
 * @param liveSent live requests sent while the pruner worked
 * @param liveAnswered live requests answered
 * @param liveServedBy live ok answers by {@code v<version>/<alias>}
 * @param experiment the A/B experiment on the test tickets' labels: numbers, verdict, action
 * @param gatewayUrl the gateway's base URL (OIP v2 under {@code /v2}, metrics at {@code /metrics})
 * @param registryUrl the registry's base URL
 * @param experimentsUrl the experiments service's base URL ({@code /experiments}, {@code /metrics})
 * @param bootstrapServers the broker
 * @param reused what came from earlier runs (one line each)
 * @param seconds wall time of the run up to the summary
 */
public record DemoSummary(
    List<VariantRow> rows,
    Optional<Report> paretoReport,
    String policy,
    int liveSent,
    int liveAnswered,
    Map<String, Integer> liveServedBy,
    AbExperiment.Outcome experiment,
    String gatewayUrl,
    String registryUrl,
    String experimentsUrl,
    String bootstrapServers,
    List<String> reused,
    double seconds) {

  /**
   * The pruner's Pareto report (accuracy against throughput of every candidate, the front drawn).
   *
   * @param path its copy in the demo's work directory
   * @param url where the registry serves it
   */
  public record Report(Path path, String url) {}

  public DemoSummary {
    Objects.requireNonNull(paretoReport, "paretoReport");
    Objects.requireNonNull(experiment, "experiment");
    rows = List.copyOf(rows);
    liveServedBy = Map.copyOf(liveServedBy);
    reused = List.copyOf(reused);
  }

  /** True when every request the demo sent was answered. */
  public boolean allAnswered() {
    return liveSent == liveAnswered
        && experiment.labelled() == experiment.sent()
        && rows.stream().allMatch(r -> r.measurement().missing() == 0);
  }

  /** The rows of the variants {@code method} made. */
  public List<VariantRow> rowsOf(String method) {
    return rows.stream().filter(r -> method.equals(r.method())).toList();
  }

  /** The row of {@code alias} (the first, for {@code candidate}). */
  public VariantRow row(String alias) {
    return rows.stream()
        .filter(r -> r.alias().equals(alias))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no row for alias " + alias));
  }
}
