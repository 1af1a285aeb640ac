package io.prunegate.standalone.demo;

import java.util.Locale;

/** The text the demo prints after its steps: the summary table, the traffic tally and the URLs. */
public final class DemoReport {

  private DemoReport() {}

  /** Renders {@code s}. */
  public static String render(DemoSummary s, DemoOptions o) {
    StringBuilder sb = new StringBuilder();
    sb.append('\n')
        .append("Summary (")
        .append(o.model())
        .append(": bge-small-en-v1.5 on the shipped support-ticket task; every figure measured")
        .append(" through Kafka on this machine)\n\n");
    sb.append(SummaryTable.render(s.rows()));
    sb.append('\n')
        .append(
            String.format(
                Locale.ROOT,
                "Each variant is addressed by version (model:version); the gateway loaded each"
                    + " candidate by moving alias '"
                    + Demo.CANDIDATE
                    + "' to it.\nthroughput: --requests sent"
                    + " at once, answers per second\nfrom the first send to the last answer;"
                    + " p50/p99: as many requests paced at %.1f/s (half the champion's"
                    + " throughput),\nfrom the intended send time to the result read from"
                    + " Kafka.\n",
                s.rows().isEmpty() ? 0.0 : s.rows().get(0).measurement().pacedRate()));
    sb.append("pruner policy: ").append(s.policy()).append('\n');
    s.paretoReport()
        .ifPresent(
            r ->
                sb.append("Pareto report: ")
                    .append(r.path())
                    .append("\n               ")
                    .append(r.url())
                    .append('\n'));
    sb.append(
        String.format(
            Locale.ROOT,
            "live traffic while pruning: %d sent, %d answered, answered by %s\n",
            s.liveSent(),
            s.liveAnswered(),
            s.liveServedBy()));
    sb.append(s.allAnswered() ? "all requests answered\n" : "SOME REQUESTS WERE NOT ANSWERED\n");
    sb.append('\n').append(ExperimentReport.render(s.experiment()));
    if (!s.reused().isEmpty()) {
      sb.append("reused from earlier runs:\n");
      s.reused().forEach(r -> sb.append("  ").append(r).append('\n'));
    }
    String m = o.model();
    sb.append('\n')
        .append("Gateway   ")
        .append(s.gatewayUrl())
        .append("/v2/models/")
        .append(m)
        .append("/infer   (OIP v2)\n")
        .append("          ")
        .append(s.gatewayUrl())
        .append("/metrics          (Prometheus)\n")
        .append("Registry  ")
        .append(s.registryUrl())
        .append("/api/v1/models/")
        .append(m)
        .append("/versions\n")
        .append("Experiments ")
        .append(s.experimentsUrl())
        .append("/experiments   (prunegate experiments list --url ")
        .append(s.experimentsUrl())
        .append(")\n")
        .append("Try it    curl -s -X POST ")
        .append(s.gatewayUrl())
        .append("/v2/models/")
        .append(m)
        .append("/infer -H 'content-type: application/json' \\\n")
        .append(
            "            -d '{\"inputs\":[{\"name\":\"text\",\"shape\":[1],\"datatype\":\"BYTES\","
                + "\"data\":[\"I was charged twice for my subscription\"]}]}'\n")
        .append("Kafka     ")
        .append(s.bootstrapServers())
        .append("   (topics prunegate.requests -> prunegate.results)\n")
        .append(
            String.format(
                Locale.ROOT,
                "Demo finished its steps in %.0f s (work dir %s)\n",
                s.seconds(),
                o.workDir()));
    return sb.toString();
  }
}
