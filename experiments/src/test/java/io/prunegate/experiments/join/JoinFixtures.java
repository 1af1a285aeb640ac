package io.prunegate.experiments.join;

import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import java.util.Map;
import java.util.UUID;

/** Records the join tests feed in. */
final class JoinFixtures {

  private JoinFixtures() {}

  /** The registry's event for {@code alias} of {@code model} moving to {@code version}. */
  static ModelEvent aliasMoved(String model, long seq, String alias, int version, long atMs) {
    return new ModelEvent(
        UUID.randomUUID().toString(),
        ModelEvent.SCHEMA_VERSION,
        ModelEventType.ALIAS_MOVED.wireName(),
        atMs,
        seq,
        model,
        version,
        alias,
        null,
        null,
        null,
        Map.of());
  }
}
