package io.prunegate.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Texts to send, read from a file: a TSV with a {@code sentence} (or {@code text}) header column
 * (SST-2), JSON lines with a {@code text} field (emotion), or plain text with one text per line.
 */
public final class TextSource {

  // Datasets are third-party JSONL read as plain trees, not a PruneGate wire family: no strict
  // mapper.
  private static final ObjectMapper JSON = new ObjectMapper();

  private TextSource() {}

  /** Reads up to {@code limit} non-empty texts from {@code file} (0 = no limit). */
  public static List<String> read(Path file, int limit) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read texts from " + file, e);
    }
    List<String> out = new ArrayList<>();
    String name = file.getFileName().toString();
    int column = -1;
    int first = 0;
    if (name.endsWith(".tsv") && !lines.isEmpty()) {
      String[] header = lines.get(0).split("\t", -1);
      for (int i = 0; i < header.length; i++) {
        if (header[i].equals("sentence") || header[i].equals("text")) {
          column = i;
        }
      }
      if (column < 0) {
        throw new IllegalArgumentException(file + ": no 'sentence' or 'text' column in the header");
      }
      first = 1;
    }
    for (int i = first; i < lines.size() && (limit <= 0 || out.size() < limit); i++) {
      String line = lines.get(i);
      String text;
      if (name.endsWith(".jsonl")) {
        try {
          JsonNode n = JSON.readTree(line);
          text = n == null || !n.hasNonNull("text") ? null : n.get("text").asText();
        } catch (IOException e) {
          throw new IllegalArgumentException(file + ":" + (i + 1) + ": not JSON", e);
        }
      } else if (column >= 0) {
        String[] cells = line.split("\t", -1);
        text = column < cells.length ? cells[column] : null;
      } else {
        text = line;
      }
      if (text != null && !text.isBlank()) {
        out.add(text.strip());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": no texts");
    }
    return out;
  }

  /** A few built-in sentences, for runs without a text file. */
  public static List<String> builtIn() {
    return List.of(
        "The film is a charming, funny and moving story.",
        "I hated it.",
        "What time does the last train leave for the airport tonight?",
        "A gripping thriller whose final twist I did not see coming.",
        "Worst customer service ever, I waited on hold for two hours.",
        "Thank you so much, this made my day!",
        "The soup was cold and the waiter ignored us.",
        "An unremarkable but pleasant way to spend a rainy afternoon.");
  }
}
