package io.prunegate.model.chip;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import io.prunegate.model.ModelJson;
import io.prunegate.model.runtime.Pooling;
import io.prunegate.model.safetensors.SafetensorsException;
import io.prunegate.model.safetensors.SafetensorsFile;
import io.prunegate.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chips of a variant, their pooling and labels, and the early-exit thresholds: an example
 * leaves at the first chip (in depth order) whose top probability reaches that chip's threshold;
 * the deepest chip answers whatever is left. Stored as {@value #FILE_NAME}, self-describing through
 * its {@code __metadata__} (pooling, labels, chip kinds and thresholds).
 */
public record ChipSet(
    List<Chip> chips, Pooling pooling, List<String> labels, Map<Integer, Double> thresholds) {

  public static final String FILE_NAME = "chips.safetensors";

  public ChipSet {
    if (chips.isEmpty()) {
      throw new IllegalArgumentException("a chip set needs at least one chip");
    }
    List<Chip> sorted = new ArrayList<>(chips);
    sorted.sort(Comparator.comparingInt(Chip::depth));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).depth() == sorted.get(i - 1).depth()) {
        throw new IllegalArgumentException("two chips at depth " + sorted.get(i).depth());
      }
    }
    for (Chip c : sorted) {
      if (c.numClasses() != labels.size()) {
        throw new IllegalArgumentException(
            "chip at depth "
                + c.depth()
                + " has "
                + c.numClasses()
                + " classes for "
                + labels.size()
                + " labels");
      }
    }
    chips = List.copyOf(sorted);
    labels = List.copyOf(labels);
    thresholds = Map.copyOf(thresholds);
  }

  /** One chip, no early exit. */
  public static ChipSet single(Chip chip, Pooling pooling, List<String> labels) {
    return new ChipSet(List.of(chip), pooling, labels, Map.of());
  }

  /** The deepest chip's depth: the layers a variant needs. */
  public int maxDepth() {
    return chips.get(chips.size() - 1).depth();
  }

  /** The chip at {@code depth}, if any. */
  public Optional<Chip> at(int depth) {
    return chips.stream().filter(c -> c.depth() == depth).findFirst();
  }

  /** The early-exit threshold at {@code depth}; none for the deepest chip (it always answers). */
  public Optional<Double> threshold(int depth) {
    return depth == maxDepth() ? Optional.empty() : Optional.ofNullable(thresholds.get(depth));
  }

  /** Writes {@value #FILE_NAME} into {@code dir}. */
  public void write(Path dir) {
    SafetensorsWriter w = new SafetensorsWriter();
    List<Map<String, Object>> meta = new ArrayList<>();
    for (Chip c : chips) {
      c.writeTo(w);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("depth", c.depth());
      m.put("kind", c.kind());
      threshold(c.depth()).ifPresent(t -> m.put("threshold", t));
      meta.add(m);
    }
    try {
      w.metadata("pooling", pooling.wireName());
      w.metadata("labels", ModelJson.mapper().writeValueAsString(labels));
      w.metadata("chips", ModelJson.mapper().writeValueAsString(meta));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    w.write(dir.resolve(FILE_NAME));
  }

  /** Reads {@value #FILE_NAME} from {@code dir} into {@code manager}. */
  public static ChipSet read(Path dir, NDManager manager) {
    Path file = dir.resolve(FILE_NAME);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      Map<String, String> meta = f.metadata();
      for (String key : List.of("pooling", "labels", "chips")) {
        if (!meta.containsKey(key)) {
          throw new SafetensorsException(file, "metadata '" + key + "' missing: not a chips file");
        }
      }
      List<String> labels =
          ModelJson.mapper().readValue(meta.get("labels"), new TypeReference<>() {});
      List<Map<String, Object>> specs =
          ModelJson.mapper().readValue(meta.get("chips"), new TypeReference<>() {});
      List<Chip> chips = new ArrayList<>();
      Map<Integer, Double> thresholds = new LinkedHashMap<>();
      for (Map<String, Object> s : specs) {
        int depth = ((Number) s.get("depth")).intValue();
        String p = "chip." + depth + ".";
        chips.add(
            switch (String.valueOf(s.get("kind"))) {
              case "linear" ->
                  new LinearChip(
                      depth,
                      f.load(manager, p + "linear.weight"),
                      f.load(manager, p + "linear.bias"));
              case "mlp" ->
                  new MlpChip(
                      depth,
                      f.load(manager, p + "fc1.weight"),
                      f.load(manager, p + "fc1.bias"),
                      f.load(manager, p + "fc2.weight"),
                      f.load(manager, p + "fc2.bias"));
              default -> throw new SafetensorsException(file, "unknown chip kind " + s.get("kind"));
            });
        if (s.get("threshold") instanceof Number t) {
          thresholds.put(depth, t.doubleValue());
        }
      }
      return new ChipSet(chips, Pooling.parse(meta.get("pooling")), labels, thresholds);
    } catch (IOException e) {
      throw new SafetensorsException(file, "invalid chips metadata: " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new SafetensorsException(file, e.getMessage(), e);
    }
  }

  /** Total chip parameters. */
  public long parameterCount() {
    return chips.stream().mapToLong(Chip::parameterCount).sum();
  }
}
