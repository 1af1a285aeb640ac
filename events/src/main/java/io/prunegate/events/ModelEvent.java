package io.prunegate.events;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A change in the model registry, announced on the model-events topic. Delivery is at-least-once:
 * consumers deduplicate by {@link #eventId()}. Events of one model carry increasing {@link
 * #sequence()} numbers, in the order the registry committed them.
 *
 * @param eventId unique id of this event (UUID)
 * @param schemaVersion version of this record's schema; {@link #SCHEMA_VERSION} today
 * @param type the event type's wire name (see {@link ModelEventType})
 * @param occurredAtMs when the change was committed, Unix epoch milliseconds
 * @param sequence position of this event among the events of its model (1, 2, ...)
 * @param model the model name
 * @param version the version concerned, when there is one
 * @param alias the alias concerned ({@code alias.*} events)
 * @param parentVersion lineage: the version this one was derived from ({@code variant.registered})
 * @param method lineage: the compression method that derived it ({@code variant.registered})
 * @param jobId the job concerned ({@code job.*} events)
 * @param details further type-specific fields (metrics, reasons); never null
 */
public record ModelEvent(
    String eventId,
    int schemaVersion,
    String type,
    long occurredAtMs,
    long sequence,
    String model,
    Integer version,
    String alias,
    Integer parentVersion,
    String method,
    String jobId,
    Map<String, Object> details) {

  /** The schema version this code writes. Readers accept this and older versions. */
  public static final int SCHEMA_VERSION = 1;

  public ModelEvent {
    if (eventId == null || eventId.isEmpty()) {
      throw new IllegalArgumentException("eventId must not be empty");
    }
    if (type == null || type.isEmpty()) {
      throw new IllegalArgumentException("type must not be empty");
    }
    if (!ModelRef.isValidName(model)) {
      throw new IllegalArgumentException("invalid model name '" + model + "'");
    }
    details =
        details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** The known type, or empty for a type this version does not know. */
  public Optional<ModelEventType> knownType() {
    return ModelEventType.fromWire(type);
  }
}
