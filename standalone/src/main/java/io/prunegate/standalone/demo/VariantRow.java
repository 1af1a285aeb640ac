package io.prunegate.standalone.demo;

/**
 * One line of the demo's summary: a registered variant (what it keeps, from its bundle manifest),
 * the pruner's verdict on it and how it did through Kafka.
 *
 * @param alias the alias it was measured under ({@code champion}, {@code challenger} or {@code
 *     candidate})
 * @param version its registry version
 * @param variant the variant's name in the pruner's report (e.g. {@code chip-early-exit}, {@code
 *     finercut-r25}), else its bundle's
 * @param method how it was made ({@code chip}, {@code finercut}, {@code llm-pruner}, or none for
 *     the champion)
 * @param kept what of the original model it keeps
 * @param verdict the pruner job's verdict: {@code best} (the challenger), {@code accepted}, {@code
 *     not accepted}, {@code baseline} (the pruner's reference: the parent with chips trained as the
 *     candidates'); empty when no job result names it (the champion)
 * @param measurement what the demo measured for it
 */
public record VariantRow(
    String alias,
    int version,
    String variant,
    String method,
    Kept kept,
    String verdict,
    AliasMeasurement measurement) {

  /**
   * The structure a variant keeps, from its manifest: layers, attention and FFN sublayers,
   * attention heads and FFN channels (summed over layers), backbone parameters; each with the
   * original model's where the manifest records it.
   */
  public record Kept(
      int layers,
      int parentLayers,
      int attentionSublayers,
      int ffnSublayers,
      int attentionHeads,
      long ffnChannels,
      long parameters,
      long parentParameters) {

    /** A manifest without a structure section (bundles written before it existed). */
    public static final Kept UNKNOWN = new Kept(0, 0, 0, 0, 0, 0, 0, 0);

    /** Fraction of the original backbone parameters kept. */
    public double parametersKept() {
      return parentParameters == 0 ? 1.0 : (double) parameters / parentParameters;
    }
  }

  /** Layers kept. */
  public int layers() {
    return kept.layers();
  }

  /** Layers of the original model. */
  public int parentLayers() {
    return kept.parentLayers();
  }

  /** Backbone parameters kept. */
  public long parameters() {
    return kept.parameters();
  }
}
