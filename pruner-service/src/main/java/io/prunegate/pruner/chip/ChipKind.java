package io.prunegate.pruner.chip;

import java.util.Locale;

/** The head a chip has: a linear probe or a two-layer MLP (hidden 256, ReLU). */
public enum ChipKind {
  LINEAR,
  MLP;

  /** Parses {@code linear} or {@code mlp}. */
  public static ChipKind parse(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "linear" -> LINEAR;
      case "mlp" -> MLP;
      default ->
          throw new IllegalArgumentException("unknown chip kind '" + text + "' (linear|mlp)");
    };
  }
}
