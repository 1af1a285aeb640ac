package io.prunegate.experiments.join;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.serialization.Serde;

/**
 * One parsed input of the join, keyed by request id on the repartition topic: an answer from the
 * results or the shadow-results topic, or a true label from the feedback topic.
 *
 * @param source which topic it came from
 * @param answer the answer (results and shadow results), else null
 * @param label the true label (feedback), else null
 */
record JoinInput(Source source, AnswerFacts answer, String label) {

  /** The input topics of the join. */
  enum Source {
    RESULTS,
    SHADOW_RESULTS,
    FEEDBACK
  }

  static final Serde<JoinInput> SERDE = Binary.serde(JoinInput::write, JoinInput::read);

  JoinInput {
    if ((source == Source.FEEDBACK) != (label != null) || (label == null) == (answer == null)) {
      throw new IllegalArgumentException("feedback carries a label, results an answer");
    }
  }

  static JoinInput answer(Source source, AnswerFacts answer) {
    return new JoinInput(source, answer, null);
  }

  static JoinInput label(String label) {
    return new JoinInput(Source.FEEDBACK, null, label);
  }

  private static void write(DataOutputStream out, JoinInput in) throws IOException {
    out.writeByte(in.source.ordinal());
    if (in.source == Source.FEEDBACK) {
      out.writeUTF(in.label);
    } else {
      in.answer.write(out);
    }
  }

  private static JoinInput read(DataInputStream in) throws IOException {
    Source source = Source.values()[in.readUnsignedByte()];
    return source == Source.FEEDBACK ? label(in.readUTF()) : answer(source, AnswerFacts.read(in));
  }
}
