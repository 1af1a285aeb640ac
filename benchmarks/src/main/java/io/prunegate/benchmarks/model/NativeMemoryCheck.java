package io.prunegate.benchmarks.model;

import ai.djl.ndarray.NDManager;
import io.prunegate.model.importer.DefaultModel;
import io.prunegate.model.importer.DefaultModels;
import io.prunegate.model.runtime.Forward;
import io.prunegate.model.runtime.ForwardOptions;
import io.prunegate.model.runtime.LoadedModel;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.model.runtime.TokenBatch;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs many forward batches (each in its own NDManager scope) and samples the process's resident
 * set size: native memory must not grow once warmed up.
 */
public final class NativeMemoryCheck {

  /** RSS samples in MB, and the growth after warm-up. */
  public record Result(
      int batches, double rssAfterWarmupMb, double rssEndMb, double maxMb, List<Double> samplesMb) {
    public double growthMb() {
      return rssEndMb - rssAfterWarmupMb;
    }
  }

  private NativeMemoryCheck() {}

  public static Result run(int batches, int warmup, PrintStream out) {
    DefaultModels.Resolved minilm = DefaultModels.ensureImported(DefaultModel.ALL_MINILM_L6_V2);
    // One engine thread: this checks memory, not speed, and a single thread keeps the run short
    // and steady when the machine's cores are oversubscribed.
    try (LoadedModel model =
        LoadedModel.load(minilm.directory(), new RuntimeOptions("cpu", 1, 1))) {
      List<TokenBatch> shapes = new ArrayList<>();
      for (int[] s : new int[][] {{4, 16}, {8, 32}, {2, 64}, {16, 24}}) {
        shapes.addAll(BenchBatches.make(model.tokenizer().orElseThrow(), 4, s[0], s[1], 0, s[0]));
      }
      List<Double> samples = new ArrayList<>();
      double afterWarmup = 0;
      double max = 0;
      for (int i = 0; i < batches; i++) {
        TokenBatch b = shapes.get(i % shapes.size());
        try (NDManager m = model.newBatchManager()) {
          var o =
              Forward.run(
                  model.transformer(), m, b, ForwardOptions.everyLayer(model.config().numLayers()));
          Pooling.MEAN.apply(m, o.finalHidden(), o.context()).toFloatArray();
        }
        if (i == warmup - 1) {
          afterWarmup = rssMb();
        }
        if (i % Math.max(1, batches / 50) == 0 || i == batches - 1) {
          double rss = rssMb();
          samples.add(rss);
          max = Math.max(max, rss);
        }
      }
      double end = rssMb();
      Result r = new Result(batches, afterWarmup, end, max, samples);
      out.printf(
          "native memory: %d forward batches, RSS after %d warm-up batches %.1f MB, at end %.1f MB"
              + " (growth %.1f MB), max %.1f MB%n",
          batches, warmup, afterWarmup, end, r.growthMb(), max);
      return r;
    }
  }

  /** Resident set size of this process from /proc/self/status, in MB. */
  static double rssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      throw new IllegalStateException("no VmRSS in /proc/self/status");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Runs the check in a child JVM with a fixed, pre-touched heap, so that the resident set size
   * changes only with native memory; returns the growth in MB after warm-up.
   */
  public static double runInChildJvm(int batches, int warmup, PrintStream out) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC"));
    for (String key : List.of("ai.djl.offline", "DJL_CACHE_DIR", "prunegate.cache")) {
      String v = System.getProperty(key);
      if (v != null) {
        cmd.add("-D" + key + "=" + v);
      }
    }
    cmd.addAll(
        List.of("-cp", System.getProperty("java.class.path"), NativeMemoryCheck.class.getName()));
    cmd.add(String.valueOf(batches));
    cmd.add(String.valueOf(warmup));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      double growth = Double.NaN;
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream()))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("native memory:") || line.startsWith("RSS samples")) {
            out.println(line);
          }
          if (line.startsWith("GROWTH_MB ")) {
            growth = Double.parseDouble(line.substring(10));
          }
        }
      }
      int rc = p.waitFor();
      if (rc != 0 || Double.isNaN(growth)) {
        throw new IllegalStateException("native memory check failed in the child JVM, exit " + rc);
      }
      return growth;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static void main(String[] args) {
    int batches = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    Result r = run(batches, warmup, System.out);
    System.out.println("RSS samples (MB): " + r.samplesMb());
    System.out.println("GROWTH_MB " + r.growthMb());
  }
}
