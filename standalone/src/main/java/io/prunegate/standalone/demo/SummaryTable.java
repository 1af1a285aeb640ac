package io.prunegate.standalone.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders the demo's summary rows as a fixed-width text table. */
public final class SummaryTable {

  private static final String[] HEADER = {
    "variant",
    "version",
    "method",
    "verdict",
    "layers",
    "attn+ffn",
    "heads",
    "ffn width",
    "params kept",
    "accuracy",
    "answered",
    "throughput",
    "p50",
    "p99"
  };

  private SummaryTable() {}

  /** {@code kept/parent}, plus the mean exit layer when early exit answered shallower. */
  private static String layers(VariantRow r) {
    String kept = r.layers() + "/" + r.parentLayers();
    double exit = r.measurement().meanExitLayer();
    if (!Double.isNaN(exit) && exit < r.layers() - 0.05) {
      kept += String.format(Locale.ROOT, " (exit %.1f)", exit);
    }
    return kept;
  }

  /** {@code kept/whole} of a count the original model (the first row, the champion) has. */
  private static String ofWhole(long kept, long whole) {
    return whole <= 0 ? String.valueOf(kept) : kept + "/" + whole;
  }

  /**
   * The table, one line per row, with a header and a rule. The first row is the full model (the
   * champion): heads and FFN width are given against its.
   */
  public static String render(List<VariantRow> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(HEADER);
    VariantRow.Kept whole = rows.isEmpty() ? VariantRow.Kept.UNKNOWN : rows.get(0).kept();
    for (VariantRow r : rows) {
      AliasMeasurement m = r.measurement();
      VariantRow.Kept k = r.kept();
      cells.add(
          new String[] {
            r.alias() + " (" + r.variant() + ")",
            "v" + r.version(),
            r.method() == null || r.method().isEmpty() ? "-" : r.method(),
            r.verdict().isEmpty() ? "-" : r.verdict(),
            layers(r),
            k.attentionSublayers() + "+" + k.ffnSublayers(),
            ofWhole(k.attentionHeads(), whole.attentionHeads()),
            whole.ffnChannels() <= 0
                ? "-"
                : String.format(
                    Locale.ROOT, "%.0f%%", 100.0 * k.ffnChannels() / whole.ffnChannels()),
            String.format(
                Locale.ROOT, "%.1fM (%.0f%%)", r.parameters() / 1e6, 100 * k.parametersKept()),
            String.format(Locale.ROOT, "%.1f%%", 100 * m.accuracy()),
            m.answered() + "/" + m.sent(),
            String.format(Locale.ROOT, "%.1f/s", m.throughputPerSecond()),
            String.format(Locale.ROOT, "%.0f ms", m.latency().p50Ms()),
            String.format(Locale.ROOT, "%.0f ms", m.latency().p99Ms())
          });
    }
    int[] width = new int[HEADER.length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < cells.size(); r++) {
      String[] row = cells.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        // Text columns left-aligned, figures right-aligned.
        String fmt = i < 4 ? "%-" + width[i] + "s" : "%" + width[i] + "s";
        line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, fmt, row[i]));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        sb.append("-".repeat(line.length())).append('\n');
      }
    }
    return sb.toString();
  }
}
