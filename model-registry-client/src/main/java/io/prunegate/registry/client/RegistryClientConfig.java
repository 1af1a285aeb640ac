package io.prunegate.registry.client;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link RegistryClient} talks to the registry.
 *
 * @param baseUrl the registry's base URL, e.g. {@code http://127.0.0.1:8081}
 * @param token bearer token sent with every request (null: none; reads may be open)
 * @param connectTimeout TCP connect timeout
 * @param requestTimeout time to the response headers of a JSON call
 * @param transferTimeout time to the response headers of an upload or download (an upload's body is
 *     sent within it)
 * @param retryAttempts attempts per call, the first included; retried on connect errors, timeouts,
 *     broken transfers and 5xx, never on 4xx
 * @param retryBackoff pause before the first retry, doubled per retry
 * @param maxRetryBackoff longest pause between retries
 */
public record RegistryClientConfig(
    URI baseUrl,
    String token,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration transferTimeout,
    int retryAttempts,
    Duration retryBackoff,
    Duration maxRetryBackoff) {

  public RegistryClientConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(transferTimeout, "transferTimeout");
    Objects.requireNonNull(retryBackoff, "retryBackoff");
    Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
    if (retryAttempts < 1) {
      throw new IllegalArgumentException("retryAttempts must be >= 1, was " + retryAttempts);
    }
    String s = baseUrl.toString();
    if (s.endsWith("/")) {
      baseUrl = URI.create(s.substring(0, s.length() - 1));
    }
  }

  /**
   * Defaults: connect 5 s, JSON calls 30 s, transfers 1 h, 4 attempts with backoff from 200 ms
   * doubling to 5 s.
   */
  public static RegistryClientConfig of(String baseUrl, String token) {
    return new RegistryClientConfig(
        URI.create(baseUrl),
        token,
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        Duration.ofHours(1),
        4,
        Duration.ofMillis(200),
        Duration.ofSeconds(5));
  }

  public RegistryClientConfig withToken(String value) {
    return new RegistryClientConfig(
        baseUrl,
        value,
        connectTimeout,
        requestTimeout,
        transferTimeout,
        retryAttempts,
        retryBackoff,
        maxRetryBackoff);
  }

  public RegistryClientConfig withTimeouts(Duration connect, Duration request, Duration transfer) {
    return new RegistryClientConfig(
        baseUrl, token, connect, request, transfer, retryAttempts, retryBackoff, maxRetryBackoff);
  }

  public RegistryClientConfig withRetries(int attempts, Duration backoff, Duration maxBackoff) {
    return new RegistryClientConfig(
        baseUrl,
        token,
        connectTimeout,
        requestTimeout,
        transferTimeout,
        attempts,
        backoff,
        maxBackoff);
  }
}
