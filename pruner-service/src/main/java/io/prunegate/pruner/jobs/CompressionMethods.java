package io.prunegate.pruner.jobs;

import io.prunegate.pruner.chip.ChipMethod;
import io.prunegate.pruner.method.CompressionMethod;
import io.prunegate.pruner.policy.CompressionPolicy;
import io.prunegate.pruner.policy.MethodSpec;
import io.prunegate.pruner.policy.PolicyException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The methods this build can run, by policy name. {@link #builtin()} lists the methods shipped with
 * PruneGate; adding a method means adding its instance there (see {@link CompressionMethod}).
 */
public final class CompressionMethods {

  private final Map<String, CompressionMethod> byName;
  private final List<String> names;

  /** A catalogue of the given methods; their names must differ. */
  public CompressionMethods(Collection<? extends CompressionMethod> methods) {
    Map<String, CompressionMethod> m = new LinkedHashMap<>();
    for (CompressionMethod c : methods) {
      if (m.put(c.name(), c) != null) {
        throw new IllegalArgumentException("two methods named '" + c.name() + "'");
      }
    }
    this.byName = Map.copyOf(m);
    this.names = List.copyOf(m.keySet());
  }

  /** The methods shipped in this build: chip-tuning, FinerCut and LLM-Pruner. */
  public static CompressionMethods builtin() {
    List<CompressionMethod> methods = new ArrayList<>();
    methods.add(new ChipMethod());
    methods.add(new io.prunegate.pruner.finercut.FinerCutMethod());
    methods.add(new io.prunegate.pruner.llmpruner.LlmPrunerMethod());
    return new CompressionMethods(methods);
  }

  /** The available method names, in catalogue order. */
  public List<String> names() {
    return names;
  }

  /**
   * The method for a policy entry; {@link PolicyException} naming {@code methods[i].method} when
   * this build has no such method.
   */
  public CompressionMethod require(MethodSpec spec) {
    CompressionMethod m = byName.get(spec.method());
    if (m == null) {
      throw new PolicyException(
          spec.field() + ".method",
          "method '"
              + spec.method()
              + "' is not available in this pruner (available: "
              + String.join(", ", names)
              + ")");
    }
    return m;
  }

  /** Resolves and validates every entry of {@code policy}; fails on the first bad one. */
  public List<CompressionMethod> validate(CompressionPolicy policy) {
    List<CompressionMethod> out = new ArrayList<>();
    for (MethodSpec spec : policy.methods()) {
      CompressionMethod m = require(spec);
      m.validate(spec);
      out.add(m);
    }
    return out;
  }
}
