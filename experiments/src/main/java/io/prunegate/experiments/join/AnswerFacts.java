package io.prunegate.experiments.join;

import io.prunegate.events.ClassificationResult;
import io.prunegate.events.ResultStatus;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/**
 * What the join keeps of one answer (a result or a shadow result): enough to attribute it to an arm
 * and score it, without the scores map, so a million pending answers stay small.
 *
 * @param model the model that answered
 * @param version the version that answered, null when none did (refused before routing)
 * @param label the predicted label, null unless ok
 * @param status the outcome
 * @param exitLayer the layer that answered (early exit), null when unknown
 * @param latencyMs the gateway's latency for it
 * @param timestampMs the answer record's timestamp: which experiment was open is decided by it
 */
record AnswerFacts(
    String model,
    Integer version,
    String label,
    ResultStatus status,
    Integer exitLayer,
    double latencyMs,
    long timestampMs) {

  static AnswerFacts of(ClassificationResult r, long timestampMs) {
    return new AnswerFacts(
        r.model(), r.version(), r.label(), r.status(), r.exitLayer(), r.latencyMs(), timestampMs);
  }

  boolean ok() {
    return status == ResultStatus.OK;
  }

  void write(DataOutputStream out) throws IOException {
    Binary.writeNullable(out, model);
    Binary.writeNullable(out, version);
    Binary.writeNullable(out, label);
    out.writeByte(status.ordinal());
    Binary.writeNullable(out, exitLayer);
    out.writeDouble(latencyMs);
    out.writeLong(timestampMs);
  }

  static AnswerFacts read(DataInputStream in) throws IOException {
    return new AnswerFacts(
        Binary.readNullable(in),
        Binary.readNullableInt(in),
        Binary.readNullable(in),
        ResultStatus.values()[in.readUnsignedByte()],
        Binary.readNullableInt(in),
        in.readDouble(),
        in.readLong());
  }
}
