package io.prunegate.experiments.join;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serde;

/**
 * What the join knows of one request id until its label delay has passed: its answer, its shadow
 * answer and its true label, whichever have arrived. Kept after everything arrived too, so that a
 * repeated answer or label (at-least-once producers repeat) is recognised and counted once.
 *
 * @param expiresAtMs stream time from which the entry is dropped: the first arrival plus the delay
 * @param answer the answer from the results topic, or null
 * @param shadow the answer from the shadow-results topic, or null
 * @param label the true label, or null
 */
record PendingJoin(long expiresAtMs, AnswerFacts answer, AnswerFacts shadow, String label) {

  static final Serde<PendingJoin> SERDE = Binary.serde(PendingJoin::write, PendingJoin::read);

  static PendingJoin expiringAt(long expiresAtMs) {
    return new PendingJoin(expiresAtMs, null, null, null);
  }

  PendingJoin withAnswer(AnswerFacts a) {
    return new PendingJoin(expiresAtMs, a, shadow, label);
  }

  PendingJoin withShadow(AnswerFacts a) {
    return new PendingJoin(expiresAtMs, answer, a, label);
  }

  PendingJoin withLabel(String l) {
    return new PendingJoin(expiresAtMs, answer, shadow, l);
  }

  private static void write(DataOutputStream out, PendingJoin p) throws IOException {
    out.writeLong(p.expiresAtMs);
    writeAnswer(out, p.answer);
    writeAnswer(out, p.shadow);
    Binary.writeNullable(out, p.label);
  }

  private static void writeAnswer(DataOutputStream out, AnswerFacts a) throws IOException {
    out.writeBoolean(a != null);
    if (a != null) {
      a.write(out);
    }
  }

  private static AnswerFacts readAnswer(DataInputStream in) throws IOException {
    return in.readBoolean() ? AnswerFacts.read(in) : null;
  }

  private static PendingJoin read(DataInputStream in) throws IOException {
    return new PendingJoin(in.readLong(), readAnswer(in), readAnswer(in), Binary.readNullable(in));
  }
}
