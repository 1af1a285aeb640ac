package io.prunegate.standalone.demo;

import java.util.List;
import java.util.Map;

/**
 * What a demo run produced: the per-variant rows, the live traffic tally, the service URLs and what
 * it reused from earlier runs.
 *
 * @param rows one per alias measured (champion first)
 * @param liveSent live requests sent while the pruner worked
 * @param liveAnswered live requests answered
 * @param liveServedBy live ok answers by {@code v<version>/<alias>}
 * @param gatewayUrl the gateway's base URL (OIP v2 under {@code /v2}, metrics at {@code /metrics})
 * @param registryUrl the registry's base URL
 * @param bootstrapServers the broker
 * @param reused what came from earlier runs (one line each)
 * @param seconds wall time of the run up to the summary
 */
public record DemoSummary(
    List<VariantRow> rows,
    int liveSent,
    int liveAnswered,
    Map<String, Integer> liveServedBy,
    String gatewayUrl,
    String registryUrl,
    String bootstrapServers,
    List<String> reused,
    double seconds) {

  public DemoSummary {
    rows = List.copyOf(rows);
    liveServedBy = Map.copyOf(liveServedBy);
    reused = List.copyOf(reused);
  }

  /** True when every request the demo sent was answered. */
  public boolean allAnswered() {
    return liveSent == liveAnswered && rows.stream().allMatch(r -> r.measurement().missing() == 0);
  }

  /** The row of {@code alias}. */
  public VariantRow row(String alias) {
    return rows.stream()
        .filter(r -> r.alias().equals(alias))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no row for alias " + alias));
  }
}
