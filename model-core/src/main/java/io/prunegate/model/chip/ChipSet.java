package io.prunegate.model.chip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonMappingException;
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
import java.util.stream.Collectors;

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
      List<String> labels = metadata(file, meta, "labels", new TypeReference<List<String>>() {});
      List<ChipSpec> specs = metadata(file, meta, "chips", new TypeReference<List<ChipSpec>>() {});
      if (labels == null || labels.isEmpty() || labels.contains(null)) {
        throw new SafetensorsException(
            file, "metadata 'labels': must be a non-empty list of names");
      }
      if (specs == null || specs.isEmpty()) {
        throw new SafetensorsException(file, "metadata 'chips': must be a non-empty list");
      }
      List<Chip> chips = new ArrayList<>();
      Map<Integer, Double> thresholds = new LinkedHashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        ChipSpec s = specs.get(i);
        String at = "metadata 'chips'[" + i + "]";
        if (s == null || s.depth() == null || s.depth() < 1) {
          throw new SafetensorsException(file, at + ": depth must be a positive integer");
        }
        int depth = s.depth();
        String p = "chip." + depth + ".";
        chips.add(
            switch (s.kind() == null ? "" : s.kind()) {
              case "linear" ->
                  new LinearChip(
                      depth,
                      weight(f, manager, p + "linear.weight"),
                      weight(f, manager, p + "linear.bias"));
              case "mlp" ->
                  new MlpChip(
                      depth,
                      weight(f, manager, p + "fc1.weight"),
                      weight(f, manager, p + "fc1.bias"),
                      weight(f, manager, p + "fc2.weight"),
                      weight(f, manager, p + "fc2.bias"));
              default ->
                  throw new SafetensorsException(
                      file, at + ": kind must be linear or mlp, was " + s.kind());
            });
        if (s.threshold() != null) {
          if (!(s.threshold() > 0 && s.threshold() <= 1)) {
            throw new SafetensorsException(
                file, at + ": threshold must be a probability in (0, 1], was " + s.threshold());
          }
          thresholds.put(depth, s.threshold());
        }
      }
      return new ChipSet(chips, Pooling.parse(meta.get("pooling")), labels, thresholds);
    } catch (IllegalArgumentException e) {
      throw new SafetensorsException(file, e.getMessage(), e);
    }
  }

  /** One entry of the {@code chips} metadata. */
  private record ChipSpec(Integer depth, String kind, Double threshold) {}

  /** A metadata value parsed as {@code type}; a mismatch names the file, key and JSON path. */
  private static <T> T metadata(
      Path file, Map<String, String> meta, String key, TypeReference<T> type) {
    try {
      return ModelJson.mapper().readValue(meta.get(key), type);
    } catch (JsonMappingException e) {
      String where =
          e.getPath().stream()
              .map(
                  r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining());
      String why = e.getOriginalMessage();
      int source = why.indexOf(" (start marker");
      throw new SafetensorsException(
          file,
          "metadata '" + key + "'" + where + ": " + (source < 0 ? why : why.substring(0, source)));
    } catch (IOException e) {
      throw new SafetensorsException(file, "metadata '" + key + "': not valid JSON");
    }
  }

  /** A chip weight: a float tensor, loaded as F32. */
  private static NDArray weight(SafetensorsFile f, NDManager manager, String name) {
    if (!f.info(name).dtype().isFloat()) {
      throw new SafetensorsException(
          f.path(),
          "tensor '" + name + "' has dtype " + f.info(name).dtype() + ", expected a float weight");
    }
    return f.load(manager, name);
  }

  /** Total chip parameters. */
  public long parameterCount() {
    return chips.stream().mapToLong(Chip::parameterCount).sum();
  }
}
