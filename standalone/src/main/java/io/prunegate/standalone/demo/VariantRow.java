package io.prunegate.standalone.demo;

/**
 * One line of the demo's summary: a registered variant (what it keeps, from its bundle manifest)
 * and how it did through Kafka.
 *
 * @param alias the alias it serves under
 * @param version its registry version
 * @param variant the bundle's variant name (e.g. {@code chip-d12}, {@code chip-d5})
 * @param method how it was made ({@code chip}, ...)
 * @param layers layers kept
 * @param parentLayers layers of the original model
 * @param parameters backbone parameters kept
 * @param parentParameters backbone parameters of the original model
 * @param measurement what the demo measured for it
 */
public record VariantRow(
    String alias,
    int version,
    String variant,
    String method,
    int layers,
    int parentLayers,
    long parameters,
    long parentParameters,
    AliasMeasurement measurement) {

  /** Fraction of the original backbone parameters kept. */
  public double parametersKept() {
    return parentParameters == 0 ? 1.0 : (double) parameters / parentParameters;
  }
}
