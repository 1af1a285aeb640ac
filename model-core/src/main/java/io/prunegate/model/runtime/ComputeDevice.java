package io.prunegate.model.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Parses {@code auto|cpu|gpu[:n]} into a DJL device. */
public final class ComputeDevice {

  private ComputeDevice() {}

  /** Validates the text; {@link #resolve} turns it into a device once the engine runs. */
  public static String parse(String text) {
    String t = text == null ? "" : text.toLowerCase(Locale.ROOT).trim();
    if (t.equals("auto") || t.equals("cpu") || t.equals("gpu") || t.matches("gpu:[0-9]{1,3}")) {
      return t;
    }
    throw new IllegalArgumentException("invalid device '" + text + "' (auto|cpu|gpu[:n])");
  }

  /** The device {@code text} names on this machine; asking for a missing GPU is an error. */
  public static Device resolve(String text) {
    String t = parse(text);
    if (t.equals("cpu")) {
      return Device.cpu(); // no GPU probe: it logs CUDA warnings on machines without a driver
    }
    int gpus = Engine.getEngine("PyTorch").getGpuCount();
    return switch (t) {
      case "auto" -> gpus > 0 ? Device.gpu(0) : Device.cpu();
      default -> {
        int n = t.equals("gpu") ? 0 : Integer.parseInt(t.substring(4));
        if (n >= gpus) {
          throw new IllegalStateException(
              "device " + t + " requested but this machine has " + gpus + " GPU(s)");
        }
        yield Device.gpu(n);
      }
    };
  }
}
