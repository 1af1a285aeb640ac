package io.prunegate.experiments.join;

import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.stats.Agreement;
import io.prunegate.experiments.stats.ArmTally;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;
import org.apache.kafka.common.serialization.Serde;

/**
 * The durable counts of one arm of one experiment (in one partition of the join; the read side adds
 * the partitions up with {@link #plus}): ok answers, labelled and correct ones, errors and
 * refusals, the sum of exit layers, a latency histogram (HdrHistogram, microseconds, 2 significant
 * digits) and, on a shadow's arm, its comparisons with the champion. Mutable: the join reads one,
 * changes it and writes it back.
 */
public final class ArmAggregate {

  static final Serde<ArmAggregate> SERDE = Binary.serde(ArmAggregate::write, ArmAggregate::read);

  private long answered;
  private long labelled;
  private long correct;
  private long errors;
  private long refused;
  private long exitLayerSum;
  private long exitLayerCount;
  private long compared;
  private long agreed;
  private final Histogram latencyMicros;

  /** An arm with nothing yet. */
  public ArmAggregate() {
    this(new Histogram(2));
  }

  private ArmAggregate(Histogram latencyMicros) {
    this.latencyMicros = latencyMicros;
    latencyMicros.setAutoResize(true);
  }

  /** Records an answer of this arm (any status); an ok one that is already labelled is scored. */
  void answer(AnswerFacts a, String trueLabel) {
    latencyMicros.recordValue(Math.max(0, Math.round(a.latencyMs() * 1000)));
    switch (a.status()) {
      case OK -> {
        answered++;
        if (a.exitLayer() != null) {
          exitLayerSum += a.exitLayer();
          exitLayerCount++;
        }
        if (trueLabel != null) {
          label(a, trueLabel);
        }
      }
      case ERROR -> errors++;
      case REJECTED, EXPIRED -> refused++;
    }
  }

  /** Scores the ok answer {@code a} against its true label. */
  void label(AnswerFacts a, String trueLabel) {
    labelled++;
    if (trueLabel.equals(a.label())) {
      correct++;
    }
  }

  /** One comparison of this (shadow) arm's label with the champion's. */
  void compare(boolean same) {
    compared++;
    if (same) {
      agreed++;
    }
  }

  /** The sum of this and {@code other} (two partitions' counts of the same arm). */
  public ArmAggregate plus(ArmAggregate other) {
    Histogram h = latencyMicros.copy();
    h.setAutoResize(true);
    h.add(other.latencyMicros);
    ArmAggregate sum = new ArmAggregate(h);
    sum.answered = answered + other.answered;
    sum.labelled = labelled + other.labelled;
    sum.correct = correct + other.correct;
    sum.errors = errors + other.errors;
    sum.refused = refused + other.refused;
    sum.exitLayerSum = exitLayerSum + other.exitLayerSum;
    sum.exitLayerCount = exitLayerCount + other.exitLayerCount;
    sum.compared = compared + other.compared;
    sum.agreed = agreed + other.agreed;
    return sum;
  }

  /** Ok answers, labels joined to them and correct ones. */
  public ArmTally tally() {
    return new ArmTally(answered, labelled, correct);
  }

  /** What the judge reads: the tally, the p99 latency once measured, and the errors. */
  public ArmSnapshot snapshot() {
    return new ArmSnapshot(tally(), latencyPercentileMs(99), errors);
  }

  /** The shadow's agreement with the champion ({@link Agreement#NONE} on other arms). */
  public Agreement agreement() {
    return new Agreement(compared, agreed);
  }

  /** The latency percentile in milliseconds over all answers, empty before any. */
  public OptionalDouble latencyPercentileMs(double percentile) {
    return latencyMicros.getTotalCount() == 0
        ? OptionalDouble.empty()
        : OptionalDouble.of(latencyMicros.getValueAtPercentile(percentile) / 1000.0);
  }

  /** Answers with status {@code error}. */
  public long errors() {
    return errors;
  }

  /** Answers refused ({@code rejected} or {@code expired}) by a version of this arm. */
  public long refused() {
    return refused;
  }

  /** The mean exit layer of the ok answers that named one; NaN before any. */
  public double meanExitLayer() {
    return exitLayerCount == 0 ? Double.NaN : (double) exitLayerSum / exitLayerCount;
  }

  /** The sum of exit layers (of ok answers that named one). */
  public long exitLayerSum() {
    return exitLayerSum;
  }

  /** Answers of every status. */
  public long latencyCount() {
    return latencyMicros.getTotalCount();
  }

  private static void write(DataOutputStream out, ArmAggregate a) throws IOException {
    out.writeLong(a.answered);
    out.writeLong(a.labelled);
    out.writeLong(a.correct);
    out.writeLong(a.errors);
    out.writeLong(a.refused);
    out.writeLong(a.exitLayerSum);
    out.writeLong(a.exitLayerCount);
    out.writeLong(a.compared);
    out.writeLong(a.agreed);
    ByteBuffer buf = ByteBuffer.allocate(a.latencyMicros.getNeededByteBufferCapacity());
    int n = a.latencyMicros.encodeIntoByteBuffer(buf);
    out.writeInt(n);
    out.write(buf.array(), 0, n);
  }

  private static ArmAggregate read(DataInputStream in) throws IOException {
    long[] counts = new long[9];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = in.readLong();
    }
    byte[] hist = new byte[in.readInt()];
    in.readFully(hist);
    ArmAggregate a = new ArmAggregate(Histogram.decodeFromByteBuffer(ByteBuffer.wrap(hist), 2));
    a.answered = counts[0];
    a.labelled = counts[1];
    a.correct = counts[2];
    a.errors = counts[3];
    a.refused = counts[4];
    a.exitLayerSum = counts[5];
    a.exitLayerCount = counts[6];
    a.compared = counts[7];
    a.agreed = counts[8];
    return a;
  }
}
