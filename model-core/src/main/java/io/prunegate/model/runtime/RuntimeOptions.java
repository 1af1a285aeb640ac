package io.prunegate.model.runtime;

/**
 * Where and how the runtime computes.
 *
 * @param device {@code auto} (a GPU when present, else the CPU), {@code cpu}, {@code gpu} or {@code
 *     gpu:N}
 * @param threads intra-op threads of the engine (0 = the engine's default)
 * @param interOpThreads inter-op threads (0 = the engine's default)
 */
public record RuntimeOptions(String device, int threads, int interOpThreads) {

  public RuntimeOptions {
    ComputeDevice.parse(device);
    if (threads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must be >= 0");
    }
  }

  /** {@code auto}, engine-default threads. */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions("auto", 0, 0);
  }

  /**
   * Defaults overridden by {@code PRUNEGATE_DEVICE}, {@code PRUNEGATE_THREADS}, {@code
   * PRUNEGATE_INTEROP_THREADS}.
   */
  public static RuntimeOptions fromEnvironment(java.util.Map<String, String> env) {
    return new RuntimeOptions(
        env.getOrDefault("PRUNEGATE_DEVICE", "auto"),
        Integer.parseInt(env.getOrDefault("PRUNEGATE_THREADS", "0")),
        Integer.parseInt(env.getOrDefault("PRUNEGATE_INTEROP_THREADS", "0")));
  }
}
