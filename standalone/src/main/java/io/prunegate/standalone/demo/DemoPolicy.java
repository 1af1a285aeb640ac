package io.prunegate.standalone.demo;

import io.prunegate.pruner.policy.CompressionPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The compression policy the demo's pruner runs: a file given with {@code --policy}, else {@link
 * #BUILT_IN}, which runs all three methods (chip-tuning, FinerCut, LLM-Pruner with LoRA recovery)
 * on the shipped support-ticket task, every candidate with the same chip recipe (linear head,
 * ensemble and early exit as chip-tuning trains them) so that the summary compares methods, not
 * chip recipes. Its sizes (FinerCut: one ratio, 16 calibration sequences of 64 tokens, no separate
 * baseline since the champion is one; LLM-Pruner: one ratio, 64 calibration examples, one LoRA
 * epoch) keep the pruner's job near two minutes on two cores.
 */
public final class DemoPolicy {

  /** The built-in policy's resource, beside this class. */
  public static final String BUILT_IN = "demo-policy.json";

  private DemoPolicy() {}

  /** The policy of {@code file}, or the built-in one; errors name the field. */
  public static CompressionPolicy load(Optional<Path> file) {
    return file.map(CompressionPolicy::read).orElseGet(DemoPolicy::builtIn);
  }

  /** The built-in demo policy. */
  public static CompressionPolicy builtIn() {
    try (InputStream in = DemoPolicy.class.getResourceAsStream(BUILT_IN)) {
      if (in == null) {
        throw new IllegalStateException("the demo policy resource " + BUILT_IN + " is missing");
      }
      return CompressionPolicy.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo policy " + BUILT_IN, e);
    }
  }
}
