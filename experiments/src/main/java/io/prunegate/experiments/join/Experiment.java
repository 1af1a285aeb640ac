package io.prunegate.experiments.join;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * One experiment: a challenger (or shadow) version against the champion version of a model, from
 * the alias move that started it until the move that ended it. An answer belongs to it when the
 * answer's timestamp lies in {@code [startMs, endMs)} and its model and version are one of the two
 * arms'.
 *
 * @param model the model
 * @param kind whether the challenger serves answers or is a shadow that only sees copies
 * @param championVersion the champion's version when it started
 * @param challengerVersion the version under test
 * @param startMs when the alias move that started it happened (the event's time)
 * @param endMs when it ended, {@link Long#MAX_VALUE} while open
 */
public record Experiment(
    String model, Kind kind, int championVersion, int challengerVersion, long startMs, long endMs) {

  /** Which alias the version under test holds. */
  public enum Kind {
    CHALLENGER,
    SHADOW
  }

  /** The end of an experiment that has not ended. */
  public static final long OPEN = Long.MAX_VALUE;

  public Experiment {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(kind, "kind");
    if (endMs < startMs) {
      throw new IllegalArgumentException("an experiment cannot end before it starts");
    }
  }

  /** The name of the experiment: model, kind, both versions and the start. */
  public String id() {
    return model
        + "/"
        + kind.name().toLowerCase(java.util.Locale.ROOT)
        + "/"
        + championVersion
        + "-vs-"
        + challengerVersion
        + "@"
        + startMs;
  }

  /** True while it has not ended. */
  public boolean isOpen() {
    return endMs == OPEN;
  }

  /** True when an answer at {@code timestampMs} falls inside it. */
  public boolean covers(long timestampMs) {
    return timestampMs >= startMs && timestampMs < endMs;
  }

  /** This experiment ended at {@code atMs}. */
  Experiment endedAt(long atMs) {
    return new Experiment(
        model, kind, championVersion, challengerVersion, startMs, Math.max(atMs, startMs));
  }

  void write(DataOutputStream out) throws IOException {
    out.writeUTF(model);
    out.writeByte(kind.ordinal());
    out.writeInt(championVersion);
    out.writeInt(challengerVersion);
    out.writeLong(startMs);
    out.writeLong(endMs);
  }

  static Experiment read(DataInputStream in) throws IOException {
    return new Experiment(
        in.readUTF(),
        Kind.values()[in.readUnsignedByte()],
        in.readInt(),
        in.readInt(),
        in.readLong(),
        in.readLong());
  }
}
