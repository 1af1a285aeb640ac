package io.prunegate.loadtest;

import java.util.Map;
import java.util.Objects;

/**
 * Where the gateway under load listens and answers.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param requestsTopic the topic the gateway consumes
 * @param resultsTopic the topic it answers on
 * @param readCommitted read results with {@code read_committed} (exactly-once gateways)
 * @param producerProperties extra producer properties (security settings, for instance)
 */
public record LoadTarget(
    String bootstrapServers,
    String requestsTopic,
    String resultsTopic,
    boolean readCommitted,
    Map<String, String> producerProperties) {

  public LoadTarget {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(requestsTopic, "requestsTopic");
    Objects.requireNonNull(resultsTopic, "resultsTopic");
    producerProperties = Map.copyOf(producerProperties == null ? Map.of() : producerProperties);
  }

  public static LoadTarget of(String bootstrap, String requestsTopic, String resultsTopic) {
    return new LoadTarget(bootstrap, requestsTopic, resultsTopic, false, Map.of());
  }
}
