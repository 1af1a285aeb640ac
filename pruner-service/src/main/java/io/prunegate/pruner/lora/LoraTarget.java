package io.prunegate.pruner.lora;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A projection LoRA can adapt: the attention's q/k/v/o and the FFN's gate/up/down. */
public enum LoraTarget {
  Q,
  K,
  V,
  O,
  GATE,
  UP,
  DOWN;

  /** All seven projections (LLM-Pruner's recovery adapts every attention and FFN projection). */
  public static Set<LoraTarget> all() {
    return EnumSet.allOf(LoraTarget.class);
  }

  /** Parses a comma-separated list such as {@code q,k,v,o,gate,up,down}. */
  public static Set<LoraTarget> parse(String text) {
    Set<LoraTarget> out = EnumSet.noneOf(LoraTarget.class);
    for (String part : text.split(",")) {
      String p = part.strip().toUpperCase(Locale.ROOT);
      if (p.endsWith("_PROJ")) {
        p = p.substring(0, p.length() - 5);
      }
      try {
        out.add(valueOf(p));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown LoRA target '" + part + "' (q,k,v,o,gate,up,down)", e);
      }
    }
    return out;
  }
}
