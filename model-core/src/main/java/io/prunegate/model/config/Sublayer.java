package io.prunegate.model.config;

import java.util.Comparator;

/**
 * One sublayer of a transformer layer: its self-attention or its FFN. Written {@code attention.i}
 * or {@code ffn.i} (0-based layer), as in FinerCut's reports.
 */
public record Sublayer(int layer, Kind kind) implements Comparable<Sublayer> {

  /** Attention or FFN. */
  public enum Kind {
    ATTENTION("attention"),
    FFN("ffn");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final Comparator<Sublayer> ORDER =
      Comparator.comparingInt(Sublayer::layer).thenComparing(Sublayer::kind);

  public Sublayer {
    if (layer < 0) {
      throw new IllegalArgumentException("layer must be >= 0");
    }
  }

  public static Sublayer attention(int layer) {
    return new Sublayer(layer, Kind.ATTENTION);
  }

  public static Sublayer ffn(int layer) {
    return new Sublayer(layer, Kind.FFN);
  }

  /** Parses {@code attention.3} or {@code ffn.3}. */
  public static Sublayer parse(String text) {
    int dot = text.indexOf('.');
    if (dot < 0) {
      throw new IllegalArgumentException("sublayer '" + text + "' is not attention.N or ffn.N");
    }
    int layer = Integer.parseInt(text.substring(dot + 1));
    return switch (text.substring(0, dot)) {
      case "attention" -> attention(layer);
      case "ffn" -> ffn(layer);
      default ->
          throw new IllegalArgumentException("sublayer '" + text + "' is not attention.N or ffn.N");
    };
  }

  /** Position in execution order: attention of layer i runs at 2i, its FFN at 2i + 1. */
  public int executionIndex() {
    return 2 * layer + (kind == Kind.ATTENTION ? 0 : 1);
  }

  @Override
  public int compareTo(Sublayer o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return kind.label() + "." + layer;
  }
}
