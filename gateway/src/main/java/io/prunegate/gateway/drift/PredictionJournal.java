package io.prunegate.gateway.drift;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent answered requests by id (bounded, oldest forgotten first), so that a label
 * arriving later on the feedback topic can be joined with the variant that answered.
 */
public final class PredictionJournal {

  /**
   * What was answered.
   *
   * @param model model name
   * @param version version that answered
   * @param variant variant name ({@code champion}, {@code challenger}, ...)
   * @param label the predicted label
   */
  public record Entry(String model, int version, String variant, String label) {}

  private final Map<String, Entry> entries;

  public PredictionJournal(int capacity) {
    this.entries =
        new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > capacity;
          }
        };
  }

  public synchronized void record(String id, Entry e) {
    entries.put(id, e);
  }

  /** Takes the entry of {@code id} (each answer is scored once), or null when unknown. */
  public synchronized Entry take(String id) {
    return entries.remove(id);
  }

  public synchronized int size() {
    return entries.size();
  }
}
