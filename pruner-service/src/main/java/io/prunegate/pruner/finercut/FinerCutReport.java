package io.prunegate.pruner.finercut;

import io.prunegate.model.config.Sublayer;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The human-readable report of a search: the removal order with the divergence after each step, and
 * a layer-by-layer picture of which attention and FFN sublayers went (and at which step), with the
 * attention/FFN mix at each requested ratio.
 */
public final class FinerCutReport {

  private FinerCutReport() {}

  /** The report as Markdown (its tables read well as plain text too). */
  public static String markdown(RemovalOrder order, List<Double> ratios) {
    StringBuilder sb = new StringBuilder();
    sb.append("# FinerCut removal order\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Criterion: %s. %d of %d sublayers ordered; %d sublayer evaluations"
                + " (full forwards per candidate would need %d); wall time %.1f s.%n%n",
            order.criterion(),
            order.steps().size(),
            2 * order.layers(),
            order.sublayerEvaluations(),
            order.naiveSublayerEvaluations(),
            order.wallMillis() / 1000.0));
    sb.append("## Layers (step at which each sublayer was removed; `.` = kept)\n\n");
    sb.append(picture(order));
    sb.append("\n## Steps\n\n");
    sb.append("| step | removed | divergence after removal | removed so far |\n");
    sb.append("|---:|---|---:|---:|\n");
    for (RemovalStep s : order.steps()) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %s | %.1f%% |%n",
              s.step(),
              s.removed(),
              number(s.divergence()),
              100.0 * s.step() / (2 * order.layers())));
    }
    if (!ratios.isEmpty()) {
      sb.append("\n## Ratios\n\n");
      sb.append("| ratio | removed | attention | FFN | divergence |\n");
      sb.append("|---:|---:|---:|---:|---:|\n");
      for (double r : ratios) {
        int n = FinerCutOptions.removals(r, order.layers());
        if (n > order.steps().size()) {
          continue;
        }
        Mix mix = Mix.of(order.prefix(n));
        double div = n == 0 ? 0 : order.steps().get(n - 1).divergence();
        sb.append(
            String.format(
                Locale.ROOT,
                "| %.1f%% | %d | %d | %d | %s |%n",
                100 * r,
                n,
                mix.attention(),
                mix.ffn(),
                number(div)));
      }
    }
    return sb.toString();
  }

  /** A divergence with 4 significant digits, in scientific notation below 1e-3. */
  static String number(double v) {
    if (v != 0 && Math.abs(v) < 1e-3) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    return new java.math.BigDecimal(v)
        .round(new java.math.MathContext(4))
        .stripTrailingZeros()
        .toPlainString();
  }

  /**
   * One line per layer: {@code layer | attention | ffn}, each cell the removal step or {@code .}
   * for a sublayer kept, with a bar showing what is left of the layer.
   */
  public static String picture(RemovalOrder order) {
    Map<Sublayer, Integer> stepOf = new HashMap<>();
    for (RemovalStep s : order.steps()) {
      stepOf.put(s.removed(), s.step());
    }
    StringBuilder sb = new StringBuilder("```\nlayer  attention  ffn    kept\n");
    for (int i = 0; i < order.layers(); i++) {
      Integer a = stepOf.get(Sublayer.attention(i));
      Integer f = stepOf.get(Sublayer.ffn(i));
      sb.append(
          String.format(
              Locale.ROOT,
              "%5d  %9s  %-5s  %s%s%n",
              i,
              a == null ? "." : "x" + a,
              f == null ? "." : "x" + f,
              a == null ? "[ATTN]" : "[    ]",
              f == null ? "[FFN]" : "[   ]"));
    }
    return sb.append("```\n").toString();
  }

  /**
   * How many attention and FFN sublayers a removal set holds.
   *
   * @param attention attention sublayers
   * @param ffn FFN sublayers
   */
  public record Mix(int attention, int ffn) {
    public static Mix of(Iterable<Sublayer> removed) {
      int a = 0;
      int f = 0;
      for (Sublayer s : removed) {
        if (s.kind() == Sublayer.Kind.ATTENTION) {
          a++;
        } else {
          f++;
        }
      }
      return new Mix(a, f);
    }
  }
}
