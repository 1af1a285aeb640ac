package io.prunegate.pruner.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads labelled text: TSV or CSV with a header row, or JSONL (one object per line). The format
 * comes from the extension ({@code .tsv}, {@code .csv}, {@code .jsonl}/{@code .ndjson}/{@code
 * .json}), otherwise from the first line. Labels may be names or integer ids; the class order is
 * numeric for ids and alphabetical for names, so it does not depend on row order. Every error names
 * the file, and the line or column where it can.
 */
public final class DatasetReader {

  /** Header names recognised as the text column, in order of preference. */
  static final List<String> TEXT_NAMES =
      List.of(
          "text",
          "sentence",
          "sms",
          "content",
          "message",
          "review",
          "document",
          "utterance",
          "query",
          "body",
          "input");

  /** Header names recognised as the label column, in order of preference. */
  static final List<String> LABEL_NAMES =
      List.of("label", "labels", "class", "category", "target", "intent", "sentiment", "y");

  // Datasets are third-party JSONL read as plain trees, not a PruneGate wire family: no strict
  // mapper.
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Blank lines between records are skipped, as in TSV and JSONL files. */
  private static final CsvMapper CSV =
      CsvMapper.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

  /** No header in the schema: the first record is the header, matched against the columns. */
  private static final CsvSchema CSV_SCHEMA = CsvSchema.emptySchema().withoutEscapeChar();

  private DatasetReader() {}

  /** Reads one file with its own label names (see {@link #splits} to share them across files). */
  public static LabelledDataset read(Path file, DatasetColumns columns) {
    RawRows raw = readRaw(file, columns);
    List<String> names = labelOrder(raw.labels());
    return raw.toDataset(names, null);
  }

  /**
   * Reads a training file and, when given, validation and test files under the training file's
   * label names. Without a validation file, a stratified {@code validationFraction} of the training
   * rows is held out (deterministic for {@code seed}) with {@link LabelledDataset#splitBySource}:
   * validation rows are whole texts and training drops the rows that are spans of them, so that
   * phrase-level files (SST-2's train split) do not put fragments of one sentence on both sides.
   *
   * @throws IllegalArgumentException for an empty file, a missing column, a label that occurs in
   *     validation or test but not in training, or a class too small to split
   */
  public static DatasetSplits splits(
      Path train,
      Optional<Path> validation,
      Optional<Path> test,
      DatasetColumns columns,
      double validationFraction,
      long seed) {
    return splits(train, validation, test, columns, validationFraction, seed, 0);
  }

  /**
   * As {@link #splits(Path, Optional, Optional, DatasetColumns, double, long)}, keeping only the
   * sentence-like training rows ({@link LabelledDataset#sentenceLike}: at least {@code minWords}
   * words, duplicates removed) before any validation is held out from them, so that held-out
   * validation comes from the same sentence-like rows. {@code minWords = 0} keeps every row;
   * validation and test files are never filtered.
   */
  public static DatasetSplits splits(
      Path train,
      Optional<Path> validation,
      Optional<Path> test,
      DatasetColumns columns,
      double validationFraction,
      long seed,
      int minWords) {
    RawRows trainRows = readRaw(train, columns);
    List<String> names = labelOrder(trainRows.labels());
    LabelledDataset trainSet = trainRows.toDataset(names, null);
    if (minWords > 0) {
      trainSet = trainSet.sentenceLike(minWords);
    }
    LabelledDataset validationSet;
    if (validation.isPresent()) {
      validationSet = readRaw(validation.get(), columns).toDataset(names, train);
    } else {
      if (!(validationFraction > 0 && validationFraction < 1)) {
        throw new IllegalArgumentException(
            "validation fraction must be in (0, 1), got " + validationFraction);
      }
      int count = (int) Math.round(trainSet.size() * validationFraction);
      if (count < names.size() || trainSet.size() - count < names.size()) {
        throw new IllegalArgumentException(
            train
                + ": "
                + trainSet.size()
                + " rows are too few to hold out "
                + validationFraction
                + " for validation over "
                + names.size()
                + " classes; give a validation file");
      }
      LabelledDataset[] parts = trainSet.splitBySource(count, seed);
      trainSet = parts[0];
      validationSet = parts[1];
    }
    Optional<LabelledDataset> testSet = test.map(t -> readRaw(t, columns).toDataset(names, train));
    return new DatasetSplits(trainSet, validationSet, testSet);
  }

  /** The rows of a file before labels become indexes. */
  record RawRows(Path file, List<String> texts, List<String> labels, List<Integer> lines) {

    LabelledDataset toDataset(List<String> names, Path trainFile) {
      Map<String, Integer> index = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        index.put(names.get(i), i);
      }
      boolean ids = allIntegers(names);
      List<Integer> out = new ArrayList<>(labels.size());
      for (int i = 0; i < labels.size(); i++) {
        String l = ids ? canonicalInteger(labels.get(i)) : labels.get(i);
        Integer k = l == null ? null : index.get(l);
        if (k == null) {
          throw new IllegalArgumentException(
              file
                  + " line "
                  + lines.get(i)
                  + ": label '"
                  + labels.get(i)
                  + "' does not occur in "
                  + (trainFile == null ? "this file" : trainFile + " (the training data)")
                  + "; known labels: "
                  + names);
        }
        out.add(k);
      }
      return new LabelledDataset(file.getFileName().toString(), texts, out, names);
    }
  }

  static RawRows readRaw(Path file, DatasetColumns columns) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": dataset file not found");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (!lines.isEmpty() && lines.get(0).startsWith("\uFEFF")) {
      lines.set(0, lines.get(0).substring(1));
    }
    if (lines.stream().allMatch(String::isBlank)) {
      throw new IllegalArgumentException(file + ": file is empty");
    }
    RawRows rows =
        switch (format(file, lines)) {
          case "jsonl" -> readJsonl(file, lines, columns);
          case "tsv" -> readTsv(file, lines, columns);
          default -> readCsv(file, lines, columns);
        };
    if (rows.texts().isEmpty()) {
      throw new IllegalArgumentException(file + ": has a header but no rows");
    }
    return rows;
  }

  private static String format(Path file, List<String> lines) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
      return "jsonl";
    }
    if (name.endsWith(".tsv") || name.endsWith(".tab")) {
      return "tsv";
    }
    if (name.endsWith(".csv")) {
      return "csv";
    }
    String first = lines.stream().filter(l -> !l.isBlank()).findFirst().orElse("").strip();
    return first.startsWith("{") ? "jsonl" : first.contains("\t") ? "tsv" : "csv";
  }

  private static RawRows readJsonl(Path file, List<String> lines, DatasetColumns columns) {
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Integer> lineNos = new ArrayList<>();
    String textKey = null;
    String labelKey = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank()) {
        continue;
      }
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": not valid JSON: " + e.getOriginalMessage(), e);
      }
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(file + " line " + (i + 1) + ": not a JSON object");
      }
      if (textKey == null) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        String[] cols = resolveColumns(file, keys, columns, List.of(node));
        textKey = cols[0];
        labelKey = cols[1];
      }
      JsonNode t = node.get(textKey);
      JsonNode l = node.get(labelKey);
      if (t == null || t.isNull()) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": missing field '" + textKey + "'");
      }
      if (l == null || l.isNull() || l.isContainerNode() || l.asText().isBlank()) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": missing or empty label field '" + labelKey + "'");
      }
      texts.add(t.asText());
      labels.add(l.asText().strip());
      lineNos.add(i + 1);
    }
    return new RawRows(file, texts, labels, lineNos);
  }

  private static RawRows readTsv(Path file, List<String> lines, DatasetColumns columns) {
    List<List<String>> records = new ArrayList<>();
    List<Integer> lineNos = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      if (lines.get(i).isBlank()) {
        i++;
        continue;
      }
      records.add(List.of(lines.get(i).split("\t", -1)));
      lineNos.add(i + 1);
      i++;
    }
    return rows(file, records, lineNos, columns);
  }

  /** Reads {@code lines} as RFC 4180 CSV: quoted fields may hold commas, quotes and newlines. */
  private static RawRows readCsv(Path file, List<String> lines, DatasetColumns columns) {
    List<List<String>> records = new ArrayList<>();
    List<Integer> lineNos = new ArrayList<>();
    // the lines (BOM already removed) joined again, so that the parser's line numbers are theirs
    try (CsvParser p = (CsvParser) CSV.getFactory().createParser(String.join("\n", lines))) {
      p.setSchema(CSV_SCHEMA);
      List<String> fields = null;
      int start = 0;
      int previousEnd = 0;
      JsonToken t;
      while (true) {
        try {
          t = p.nextToken();
        } catch (JsonProcessingException e) {
          if (e.getOriginalMessage().startsWith("Missing closing quote")) {
            // the parser reports the end of the file; the record began after the previous one
            int line = previousEnd + 1;
            while (line < lines.size() && lines.get(line - 1).isBlank()) {
              line++;
            }
            throw new IllegalArgumentException(
                file + " line " + line + ": unterminated quoted field", e);
          }
          int line = e.getLocation() == null ? previousEnd + 1 : e.getLocation().getLineNr();
          throw new IllegalArgumentException(
              file + " line " + line + ": " + e.getOriginalMessage(), e);
        }
        if (t == null) {
          break;
        }
        switch (t) {
          case START_ARRAY -> {
            fields = new ArrayList<>();
            // where the previous record ended (before the first one: 0 or less)
            previousEnd = Math.max(0, p.currentTokenLocation().getLineNr());
            start = 0;
          }
          case VALUE_STRING -> {
            if (start == 0) {
              start = p.currentTokenLocation().getLineNr();
            }
            fields.add(p.getText());
          }
          case END_ARRAY -> {
            records.add(fields);
            lineNos.add(start);
          }
          default -> throw new IllegalStateException("unexpected CSV token " + t);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
    }
    return rows(file, records, lineNos, columns);
  }

  /** The rows under the header (the first record), each with the line it starts on. */
  private static RawRows rows(
      Path file, List<List<String>> records, List<Integer> lineNos, DatasetColumns columns) {
    List<String> header = records.get(0).stream().map(String::strip).toList();
    String[] cols = resolveColumns(file, header, columns, null);
    int textIdx = header.indexOf(cols[0]);
    int labelIdx = header.indexOf(cols[1]);
    List<String> texts = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    List<Integer> rowLines = new ArrayList<>();
    for (int r = 1; r < records.size(); r++) {
      List<String> rec = records.get(r);
      if (rec.size() != header.size()) {
        throw new IllegalArgumentException(
            file
                + " line "
                + lineNos.get(r)
                + ": "
                + rec.size()
                + " columns where the header has "
                + header.size());
      }
      String label = rec.get(labelIdx).strip();
      if (label.isEmpty()) {
        throw new IllegalArgumentException(
            file + " line " + lineNos.get(r) + ": empty label in column '" + cols[1] + "'");
      }
      texts.add(rec.get(textIdx));
      labels.add(label);
      rowLines.add(lineNos.get(r));
    }
    return new RawRows(file, texts, labels, rowLines);
  }

  /** Resolves {text, label} column names against the header (or the first JSON object's keys). */
  private static String[] resolveColumns(
      Path file, List<String> header, DatasetColumns columns, List<JsonNode> sample) {
    String text = columns.textColumn();
    String label = columns.labelColumn();
    if (text != null && !header.contains(text)) {
      throw new IllegalArgumentException(
          file + ": text column '" + text + "' missing; columns are " + header);
    }
    if (label != null && !header.contains(label)) {
      throw new IllegalArgumentException(
          file + ": label column '" + label + "' missing; columns are " + header);
    }
    if (text == null) {
      text = known(header, TEXT_NAMES, label);
    }
    if (label == null) {
      label = known(header, LABEL_NAMES, text);
    }
    if (header.size() == 2) {
      if (text == null && label != null) {
        text = header.get(0).equals(label) ? header.get(1) : header.get(0);
      } else if (label == null && text != null) {
        label = header.get(0).equals(text) ? header.get(1) : header.get(0);
      }
    }
    if (text == null || label == null || text.equals(label)) {
      throw new IllegalArgumentException(
          file
              + ": cannot tell the "
              + (text == null ? "text" : "label")
              + " column among "
              + header
              + "; name it (text column: one of "
              + TEXT_NAMES
              + ", label column: one of "
              + LABEL_NAMES
              + ") or pass the column names");
    }
    return new String[] {text, label};
  }

  private static String known(List<String> header, List<String> names, String exclude) {
    for (String n : names) {
      for (String h : header) {
        if (h.equalsIgnoreCase(n) && !h.equals(exclude)) {
          return h;
        }
      }
    }
    return null;
  }

  /** Class order: numeric when every label is an integer id, alphabetical otherwise. */
  static List<String> labelOrder(List<String> labels) {
    Set<String> distinct = new LinkedHashSet<>(labels);
    if (allIntegers(distinct)) {
      Set<String> canonical = new TreeSet<>(Comparator.comparingLong(Long::parseLong));
      for (String l : distinct) {
        canonical.add(canonicalInteger(l));
      }
      return List.copyOf(canonical);
    }
    return List.copyOf(new TreeSet<>(distinct));
  }

  private static boolean allIntegers(java.util.Collection<String> labels) {
    return labels.stream().allMatch(l -> canonicalInteger(l) != null);
  }

  /** "01", "1", "1.0" -> "1"; null when not an integer. */
  private static String canonicalInteger(String s) {
    try {
      return Long.toString(Long.parseLong(s.strip()));
    } catch (NumberFormatException e) {
      try {
        double d = Double.parseDouble(s.strip());
        if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15) {
          return Long.toString((long) d);
        }
      } catch (NumberFormatException ignored) {
        // not a number: a label name
      }
      return null;
    }
  }
}
