package io.prunegate.pruner.method;

import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.pruner.data.DatasetSplits;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a {@link CompressionMethod} gets for one policy entry.
 *
 * @param spec the policy entry (method name and parameters)
 * @param model the parent's registry model name
 * @param parentVersion the parent's registry version
 * @param modelDir the parent's files (a Hugging Face directory, possibly with chips), read-only
 * @param data the labelled splits of the policy
 * @param calibration the policy's calibration text file, if it names one
 * @param outputDir an empty directory of this entry's own; write each candidate bundle in a
 *     sub-directory
 * @param runtime device and engine threads
 * @param seed seed for anything random (the policy's data seed)
 * @param latencyIterations timed calls per latency figure, for methods that measure latency for
 *     their own manifests or reports (the service's configuration)
 */
public record CompressionRequest(
    MethodSpec spec,
    String model,
    int parentVersion,
    Path modelDir,
    DatasetSplits data,
    Optional<Path> calibration,
    Path outputDir,
    RuntimeOptions runtime,
    long seed,
    int latencyIterations) {

  /** Timed calls per latency figure when the caller does not say. */
  public static final int DEFAULT_LATENCY_ITERATIONS = 20;

  public CompressionRequest {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(modelDir, "modelDir");
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(calibration, "calibration");
    Objects.requireNonNull(outputDir, "outputDir");
    Objects.requireNonNull(runtime, "runtime");
    if (latencyIterations < 0) {
      throw new IllegalArgumentException("latencyIterations must be >= 0");
    }
  }

  /** A request whose method measures latency with the default iterations (20). */
  public CompressionRequest(
      MethodSpec spec,
      String model,
      int parentVersion,
      Path modelDir,
      DatasetSplits data,
      Optional<Path> calibration,
      Path outputDir,
      RuntimeOptions runtime,
      long seed) {
    this(
        spec,
        model,
        parentVersion,
        modelDir,
        data,
        calibration,
        outputDir,
        runtime,
        seed,
        DEFAULT_LATENCY_ITERATIONS);
  }

  /** The calibration file, or a {@link PolicyException} saying the method needs one. */
  public Path requireCalibration() {
    return calibration.orElseThrow(
        () ->
            new PolicyException(
                "calibration",
                "method '" + spec.method() + "' needs calibration text; none is given"));
  }
}
