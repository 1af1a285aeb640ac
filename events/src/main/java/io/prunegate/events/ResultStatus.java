package io.prunegate.events;

/** Outcome of a classification request, written in lower case on the wire. */
public enum ResultStatus {
  /** Classified; label and scores are set. */
  OK("ok"),
  /** Refused before inference (unknown model, overload, invalid content). */
  REJECTED("rejected"),
  /** Its deadline passed before it could be processed. */
  EXPIRED("expired"),
  /** Inference failed; {@code error} says why. */
  ERROR("error");

  private final String wireName;

  ResultStatus(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** The status with this wire name, or {@code null} when there is none. */
  public static ResultStatus fromWire(String name) {
    for (ResultStatus s : values()) {
      if (s.wireName.equals(name)) {
        return s;
      }
    }
    return null;
  }
}
