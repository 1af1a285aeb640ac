package io.prunegate.experiments.join;

import io.prunegate.events.ModelEvent;
import io.prunegate.events.ModelEventType;
import io.prunegate.events.ModelRef;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the alias events of one model have said so far: the versions its {@code champion}, {@code
 * challenger} and {@code shadow} aliases hold, and its experiments, newest last. A pure fold over
 * the model's events ({@link #apply}): moving (to another version) {@code challenger} or {@code
 * shadow} ends that kind's open experiment and starts one against the current champion; deleting it
 * ends it; moving the champion ends every open experiment and starts new ones for the aliases still
 * set. Events are deduplicated by their per-model sequence number (delivery is at-least-once).
 *
 * @param model the model
 * @param lastSequence the sequence number of the last event applied (0 before any)
 * @param champion the champion's version, null while unknown
 * @param challenger the challenger's version, null while unset
 * @param shadow the shadow's version, null while unset
 * @param experiments the experiments, oldest first (at most {@link #KEPT})
 */
public record ModelExperiments(
    String model,
    long lastSequence,
    Integer champion,
    Integer challenger,
    Integer shadow,
    List<Experiment> experiments) {

  /**
   * Experiments kept per model: ended ones are still needed while labels for their answers may
   * arrive, and a model rarely runs more than a few within a label delay.
   */
  static final int KEPT = 64;

  static final Serde<ModelExperiments> SERDE =
      Binary.serde(ModelExperiments::write, ModelExperiments::read);

  public ModelExperiments {
    experiments = List.copyOf(experiments);
  }

  /** A model no event has been applied to. */
  public static ModelExperiments none(String model) {
    return new ModelExperiments(model, 0, null, null, null, List.of());
  }

  /** The experiments whose arm {@code version} would be, for an answer at {@code atMs}. */
  List<Experiment> covering(long atMs) {
    return experiments.stream().filter(e -> e.covers(atMs)).toList();
  }

  /** The open experiment of {@code kind}, if any. */
  public Optional<Experiment> open(Experiment.Kind kind) {
    return experiments.stream().filter(e -> e.kind() == kind && e.isOpen()).findFirst();
  }

  /** This state after {@code event}; itself for a repeated or unrelated event. */
  public ModelExperiments apply(ModelEvent event) {
    if (!model.equals(event.model()) || event.sequence() <= lastSequence) {
      return this;
    }
    Optional<ModelEventType> type = event.knownType();
    boolean moved = type.equals(Optional.of(ModelEventType.ALIAS_MOVED));
    boolean deleted = type.equals(Optional.of(ModelEventType.ALIAS_DELETED));
    if ((!moved && !deleted) || event.alias() == null || (moved && event.version() == null)) {
      return new ModelExperiments(
          model, event.sequence(), champion, challenger, shadow, experiments);
    }
    Integer to = moved ? event.version() : null;
    if (java.util.Objects.equals(to, held(event.alias()))) {
      // setting an alias to the version it holds restarts nothing
      return new ModelExperiments(
          model, event.sequence(), champion, challenger, shadow, experiments);
    }
    long at = event.occurredAtMs();
    List<Experiment> list = new ArrayList<>(experiments);
    Integer newChampion = champion;
    Integer newChallenger = challenger;
    Integer newShadow = shadow;
    switch (event.alias()) {
      case ModelRef.CHAMPION -> {
        newChampion = to;
        endOpen(list, null, at);
        start(list, Experiment.Kind.CHALLENGER, newChampion, newChallenger, at);
        start(list, Experiment.Kind.SHADOW, newChampion, newShadow, at);
      }
      case ModelRef.CHALLENGER -> {
        newChallenger = to;
        endOpen(list, Experiment.Kind.CHALLENGER, at);
        start(list, Experiment.Kind.CHALLENGER, newChampion, newChallenger, at);
      }
      case ModelRef.SHADOW -> {
        newShadow = to;
        endOpen(list, Experiment.Kind.SHADOW, at);
        start(list, Experiment.Kind.SHADOW, newChampion, newShadow, at);
      }
      default -> {
        // other aliases (previous, pinned names) start nothing
      }
    }
    while (list.size() > KEPT) {
      list.remove(0);
    }
    return new ModelExperiments(
        model, event.sequence(), newChampion, newChallenger, newShadow, list);
  }

  /** The version {@code alias} holds, or null (also for aliases that start no experiment). */
  private Integer held(String alias) {
    return switch (alias) {
      case ModelRef.CHAMPION -> champion;
      case ModelRef.CHALLENGER -> challenger;
      case ModelRef.SHADOW -> shadow;
      default -> null;
    };
  }

  /** Ends the open experiments of {@code kind} (all kinds when null). */
  private static void endOpen(List<Experiment> list, Experiment.Kind kind, long at) {
    list.replaceAll(e -> e.isOpen() && (kind == null || e.kind() == kind) ? e.endedAt(at) : e);
  }

  private void start(
      List<Experiment> list, Experiment.Kind kind, Integer champ, Integer tested, long at) {
    if (champ != null && tested != null && !champ.equals(tested)) {
      list.add(new Experiment(model, kind, champ, tested, at, Experiment.OPEN));
    }
  }

  private static void write(DataOutputStream out, ModelExperiments m) throws IOException {
    out.writeUTF(m.model);
    out.writeLong(m.lastSequence);
    Binary.writeNullable(out, m.champion);
    Binary.writeNullable(out, m.challenger);
    Binary.writeNullable(out, m.shadow);
    out.writeShort(m.experiments.size());
    for (Experiment e : m.experiments) {
      e.write(out);
    }
  }

  private static ModelExperiments read(DataInputStream in) throws IOException {
    String model = in.readUTF();
    long seq = in.readLong();
    Integer champion = Binary.readNullableInt(in);
    Integer challenger = Binary.readNullableInt(in);
    Integer shadow = Binary.readNullableInt(in);
    int n = in.readUnsignedShort();
    List<Experiment> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(Experiment.read(in));
    }
    return new ModelExperiments(model, seq, champion, challenger, shadow, list);
  }
}
