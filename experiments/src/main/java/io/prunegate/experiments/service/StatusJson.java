package io.prunegate.experiments.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.prunegate.events.StrictJson;
import io.prunegate.experiments.decision.ArmSnapshot;
import io.prunegate.experiments.join.Experiment;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of {@code GET /experiments}: every experiment the service judged, with both arms'
 * figures, the difference interval, a shadow's agreement, the verdict and what acting on it did.
 * One mapper for this wire family; field names in snake case like every PruneGate wire format.
 */
public final class StatusJson {

  private static final JsonMapper MAPPER =
      StrictJson.builder(8)
          .defaultPropertyInclusion(
              JsonInclude.Value.construct(
                  JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
          .build();

  private StatusJson() {}

  record ArmWire(
      long answered,
      long labelled,
      long correct,
      Double accuracy,
      Double latencyP99Ms,
      long errors) {}

  record IntervalWire(double lower, double upper) {}

  record AgreementWire(long compared, long agreed, double rate) {}

  record VerdictWire(String kind, String reason) {}

  record ActionWire(String result, List<String> changes, String note) {}

  record StatusWire(
      String id,
      String model,
      String kind,
      int championVersion,
      int challengerVersion,
      String startedAt,
      String endedAt,
      ArmWire champion,
      ArmWire challenger,
      IntervalWire difference,
      AgreementWire agreement,
      VerdictWire verdict,
      ActionWire action,
      String judgedAt) {}

  record ListWire(List<StatusWire> items) {}

  /** The body of {@code GET /experiments}. */
  public static byte[] list(List<ExperimentStatus> statuses) {
    try {
      return MAPPER.writeValueAsBytes(
          new ListWire(statuses.stream().map(StatusJson::status).toList()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write experiment statuses", e);
    }
  }

  /** Reads a {@code GET /experiments} body (for the manual commands). */
  static com.fasterxml.jackson.databind.JsonNode parse(String body) throws JsonProcessingException {
    return MAPPER.readTree(body);
  }

  /** One item of that body, indented for a terminal. */
  static String pretty(com.fasterxml.jackson.databind.JsonNode item)
      throws JsonProcessingException {
    return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(item);
  }

  static StatusWire status(ExperimentStatus s) {
    Experiment e = s.experiment();
    return new StatusWire(
        e.id(),
        e.model(),
        e.kind().name().toLowerCase(Locale.ROOT),
        e.championVersion(),
        e.challengerVersion(),
        Instant.ofEpochMilli(e.startMs()).toString(),
        e.isOpen() ? null : Instant.ofEpochMilli(e.endMs()).toString(),
        arm(s.champion()),
        arm(s.challenger()),
        s.difference() == null
            ? null
            : new IntervalWire(s.difference().lower(), s.difference().upper()),
        s.agreement().compared() == 0
            ? null
            : new AgreementWire(
                s.agreement().compared(), s.agreement().agreed(), s.agreement().rate()),
        new VerdictWire(ExperimentMetrics.stateOf(s.verdict()), s.verdict().reason()),
        s.action() == null
            ? null
            : new ActionWire(
                s.action().result().name().toLowerCase(Locale.ROOT),
                s.action().changes(),
                s.action().note().isEmpty() ? null : s.action().note()),
        Instant.ofEpochMilli(s.judgedAtMs()).toString());
  }

  private static ArmWire arm(ArmSnapshot a) {
    return new ArmWire(
        a.tally().answered(),
        a.tally().labelled(),
        a.tally().correct(),
        a.tally().labelled() == 0 ? null : a.tally().accuracy(),
        a.latencyP99Ms().isPresent() ? a.latencyP99Ms().getAsDouble() : null,
        a.errors());
  }
}
