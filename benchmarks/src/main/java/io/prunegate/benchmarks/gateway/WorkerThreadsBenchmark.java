package io.prunegate.benchmarks.gateway;

import io.prunegate.loadtest.TextSource;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.runtime.RuntimeOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * How to spend the cores: {@code --workers} inference threads, each running whole batches of 32
 * through one shared classifier with {@code --threads} engine threads, for {@code --seconds}.
 * Prints one {@code THREADS ...} line with examples/s and the median and p90 batch latency. The
 * engine's thread count is fixed per JVM, so each configuration runs in its own process ({@code
 * WorkerThreadsBenchmarkTest} alternates them).
 */
@Command(name = "worker-threads-benchmark", mixinStandardHelpOptions = true)
public final class WorkerThreadsBenchmark implements Callable<Integer> {

  @Option(names = "--bundle", required = true, description = "variant bundle directory")
  Path bundle;

  @Option(names = "--texts", description = "texts file (.tsv, .jsonl or lines)")
  Path texts;

  @Option(names = "--workers", defaultValue = "1")
  int workers;

  @Option(names = "--threads", defaultValue = "2")
  int threads;

  @Option(names = "--seconds", defaultValue = "15")
  double seconds;

  @Override
  public Integer call() throws Exception {
    List<String> pool = texts == null ? TextSource.builtIn() : TextSource.read(texts, 0);
    try (TextClassifier c = TextClassifier.load(bundle, new RuntimeOptions("cpu", threads, 1))) {
      RawThroughput.measure(c, pool, 32, 2);
      AtomicLong next = new AtomicLong();
      AtomicLong examples = new AtomicLong();
      List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
      long end = System.nanoTime() + (long) (seconds * 1e9);
      List<Thread> ts = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int w = 0; w < workers; w++) {
        Thread t =
            new Thread(
                () -> {
                  while (System.nanoTime() < end) {
                    int at = (int) ((next.getAndIncrement() * 32) % pool.size());
                    List<String> batch = new ArrayList<>(32);
                    for (int i = 0; i < 32; i++) {
                      batch.add(pool.get((at + i) % pool.size()));
                    }
                    long b0 = System.nanoTime();
                    c.classify(batch);
                    latencies.add(System.nanoTime() - b0);
                    examples.addAndGet(32);
                  }
                });
        ts.add(t);
        t.start();
      }
      for (Thread t : ts) {
        t.join();
      }
      double s = (System.nanoTime() - t0) / 1e9;
      long[] l = latencies.stream().mapToLong(Long::longValue).toArray();
      Arrays.sort(l);
      System.out.printf(
          "THREADS workers=%d threads=%d examples_per_s=%.1f batch_p50_ms=%.1f batch_p90_ms=%.1f%n",
          workers,
          threads,
          examples.get() / s,
          l[l.length / 2] / 1e6,
          l[(int) (l.length * 0.9)] / 1e6);
    }
    return 0;
  }

  public static void main(String[] args) {
    System.exit(new CommandLine(new WorkerThreadsBenchmark()).execute(args));
  }
}
