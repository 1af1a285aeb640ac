package io.prunegate.pruner.data;

/**
 * Which columns (TSV/CSV header names, JSONL keys) hold the text and the label; a null column is
 * inferred from the header: a well-known name ({@code text}, {@code sentence}, ...; {@code label},
 * {@code class}, ...), or, with exactly two columns, the other one.
 *
 * @param textColumn the text column, or null to infer
 * @param labelColumn the label column, or null to infer
 */
public record DatasetColumns(String textColumn, String labelColumn) {

  /** Both columns inferred. */
  public static DatasetColumns infer() {
    return new DatasetColumns(null, null);
  }
}
