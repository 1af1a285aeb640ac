package io.prunegate.experiments.service;

import io.prunegate.config.OptionValues;
import io.prunegate.events.Topics;
import io.prunegate.experiments.join.JoinSettings;
import io.prunegate.experiments.policy.DecisionPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * What the experiments service runs with, bound from {@link ExperimentOptions}.
 *
 * @param kafkaBootstrap Kafka bootstrap servers
 * @param join topics, application id and label delay of the join
 * @param registryUrl the registry the verdicts act on
 * @param registryToken its write token (may be null for an open registry)
 * @param policy the decision policy
 * @param act whether final verdicts are acted on (false: judged and reported only)
 * @param judgeInterval how often open experiments are judged
 * @param stateDir the Kafka Streams state directory
 * @param host HTTP bind address
 * @param httpPort HTTP port ({@code 0} any free one, {@code -1} none)
 * @param streamsProperties further Kafka Streams properties (tests shorten commit intervals)
 */
public record ExperimentConfig(
    String kafkaBootstrap,
    JoinSettings join,
    String registryUrl,
    String registryToken,
    DecisionPolicy policy,
    boolean act,
    Duration judgeInterval,
    Path stateDir,
    String host,
    int httpPort,
    Map<String, String> streamsProperties) {

  public ExperimentConfig {
    if (kafkaBootstrap == null || kafkaBootstrap.isBlank()) {
      throw new IllegalArgumentException("kafka bootstrap must be set");
    }
    Objects.requireNonNull(join, "join");
    Objects.requireNonNull(registryUrl, "registryUrl");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(judgeInterval, "judgeInterval");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(host, "host");
    streamsProperties = Map.copyOf(streamsProperties);
  }

  /** The configuration the bound {@code values} describe (the policy file read and checked). */
  public static ExperimentConfig from(OptionValues values) {
    Path file = values.get(ExperimentOptions.POLICY);
    return from(values, file == null ? DecisionPolicy.defaultPolicy() : DecisionPolicy.read(file));
  }

  /** The configuration of {@code values} running {@code policy} (a policy built in code). */
  public static ExperimentConfig from(OptionValues values, DecisionPolicy policy) {
    Topics d = Topics.defaults();
    Topics topics =
        new Topics(
            d.requests(),
            values.get(ExperimentOptions.TOPIC_RESULTS),
            d.deadLetter(),
            values.get(ExperimentOptions.TOPIC_FEEDBACK),
            values.get(ExperimentOptions.TOPIC_MODEL_EVENTS),
            values.get(ExperimentOptions.TOPIC_SHADOW_RESULTS));
    return new ExperimentConfig(
        values.get(ExperimentOptions.KAFKA_BOOTSTRAP),
        new JoinSettings(
            topics,
            values.get(ExperimentOptions.APPLICATION_ID),
            values.get(ExperimentOptions.LABEL_DELAY)),
        values.get(ExperimentOptions.REGISTRY_URL),
        values.get(ExperimentOptions.REGISTRY_TOKEN),
        policy,
        values.get(ExperimentOptions.ACT),
        values.get(ExperimentOptions.JUDGE_INTERVAL),
        values.get(ExperimentOptions.STATE_DIR),
        values.get(ExperimentOptions.HOST),
        values.get(ExperimentOptions.HTTP_PORT),
        Map.of());
  }

  /** This configuration with further Kafka Streams properties. */
  public ExperimentConfig withStreamsProperties(Map<String, String> more) {
    return new ExperimentConfig(
        kafkaBootstrap,
        join,
        registryUrl,
        registryToken,
        policy,
        act,
        judgeInterval,
        stateDir,
        host,
        httpPort,
        more);
  }
}
