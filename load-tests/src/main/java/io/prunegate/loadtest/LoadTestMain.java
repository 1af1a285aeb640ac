package io.prunegate.loadtest;

import io.prunegate.events.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The load generator as a command line tool against a running gateway: one open-loop phase per
 * {@code --rate}, each sending {@code --requests} requests and waiting for their answers, with a
 * report line per phase. Topics default to {@code PRUNEGATE_TOPIC_REQUESTS} / {@code
 * PRUNEGATE_TOPIC_RESULTS}, then the {@link Topics} defaults.
 */
@Command(
    name = "prunegate-load",
    mixinStandardHelpOptions = true,
    description = "Open-loop load against a PruneGate gateway through Kafka.")
public final class LoadTestMain implements Callable<Integer> {

  @Option(
      names = "--bootstrap",
      defaultValue = "${env:PRUNEGATE_KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description =
          "Kafka bootstrap servers (env PRUNEGATE_KAFKA_BOOTSTRAP; default ${DEFAULT-VALUE})")
  String bootstrap;

  @Option(
      names = "--topic-requests",
      defaultValue = "${env:PRUNEGATE_TOPIC_REQUESTS:-" + Topics.DEFAULT_REQUESTS + "}",
      description = "requests topic (default ${DEFAULT-VALUE})")
  String requestsTopic;

  @Option(
      names = "--topic-results",
      defaultValue = "${env:PRUNEGATE_TOPIC_RESULTS:-" + Topics.DEFAULT_RESULTS + "}",
      description = "results topic (default ${DEFAULT-VALUE})")
  String resultsTopic;

  @Option(names = "--model", required = true, description = "model reference to request")
  String model;

  @Option(
      names = "--requests",
      defaultValue = "1000",
      description = "requests per phase (default ${DEFAULT-VALUE})")
  int requests;

  @Option(
      names = "--rate",
      split = ",",
      defaultValue = "100",
      description = "send rates in requests/s, one phase each (default ${DEFAULT-VALUE})")
  List<Double> rates;

  @Option(names = "--texts", description = "texts file: .tsv (sentence column), .jsonl or lines")
  Path texts;

  @Option(names = "--keys", defaultValue = "0", description = "distinct routing keys (0: none)")
  int keys;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      description = "seconds to wait for answers per phase (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Option(names = "--read-committed", description = "read results with read_committed")
  boolean readCommitted;

  @Override
  public Integer call() {
    List<String> pool = texts == null ? TextSource.builtIn() : TextSource.read(texts, 0);
    LoadTarget target = new LoadTarget(bootstrap, requestsTopic, resultsTopic, readCommitted, null);
    List<PhaseReport> reports = new ArrayList<>();
    try (LoadRun run = LoadRun.open(target)) {
      for (int i = 0; i < rates.size(); i++) {
        LoadPlan plan =
            LoadPlan.of("p" + i, requests, rates.get(i), model, pool).withKeySpace(keys);
        PhaseReport r = run.run(plan, Duration.ofSeconds(timeoutSeconds));
        System.out.println(r);
        reports.add(r);
      }
    }
    return reports.stream().allMatch(r -> r.missing() == 0) ? 0 : 1;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadTestMain()).execute(args));
  }
}
