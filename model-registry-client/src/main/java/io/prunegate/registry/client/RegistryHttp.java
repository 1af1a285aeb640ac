package io.prunegate.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The client's transport: one {@link HttpClient}, bearer token, timeouts, Resilience4j retries on
 * connect errors, timeouts, broken transfers and 5xx answers (never on 4xx), and the mapping of
 * error answers to {@link RegistryException} with the server's {@code error} and {@code field}.
 */
final class RegistryHttp {

  private static final String API = "/api/v1";

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final Retry retry;

  RegistryHttp(RegistryClientConfig config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.retry =
        Retry.of(
            "registry-client",
            RetryConfig.custom()
                .maxAttempts(config.retryAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(
                        config.retryBackoff(), 2.0, config.maxRetryBackoff()))
                .retryOnException(RegistryHttp::isRetryable)
                .build());
  }

  RegistryClientConfig config() {
    return config;
  }

  Retry.Metrics retryMetrics() {
    return retry.getMetrics();
  }

  private static boolean isRetryable(Throwable t) {
    return t instanceof IOException || (t instanceof RegistryException r && r.isRetryable());
  }

  /** Sends one request without retrying (the caller wraps it in {@link #call}). */
  <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    return http.send(request, handler);
  }

  JsonNode send(String method, String path, JsonNode body) {
    return send(method, path, body, Map.of());
  }

  /** One JSON call with retries; the parsed answer, or null for 204. */
  JsonNode send(String method, String path, JsonNode body, Map<String, String> headers) {
    return call(
        method + " " + path,
        () -> {
          HttpRequest.Builder b = request(path, config.requestTimeout());
          headers.forEach(b::header);
          if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(RegistryJson.write(body)));
          } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
          }
          HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
          checkStatus(resp.statusCode(), resp.body());
          if (resp.statusCode() == 204 || resp.body().length == 0) {
            return null;
          }
          return RegistryJson.parse(resp.body());
        });
  }

  HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(config.baseUrl() + API + path)).timeout(timeout);
    if (config.token() != null) {
      b.header("Authorization", "Bearer " + config.token());
    }
    return b;
  }

  static void checkStatus(int status, byte[] body) {
    if (status < 400) {
      return;
    }
    String error = "HTTP " + status;
    String field = null;
    try {
      JsonNode n = RegistryJson.parse(body);
      if (n.hasNonNull("error")) {
        error = n.get("error").asText();
      }
      if (n.hasNonNull("field")) {
        field = n.get("field").asText();
      }
    } catch (RegistryProblem e) {
      if (body != null && body.length > 0) {
        error = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
      }
    }
    throw new RegistryException(status, error, field);
  }

  <T> T call(String what, Callable<T> attempt) {
    try {
      return retry.executeCallable(attempt);
    } catch (RegistryException | ArtifactVerificationException e) {
      throw e;
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          what
              + ": registry at "
              + config.baseUrl()
              + " failed after "
              + config.retryAttempts()
              + " attempts: "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(what + ": interrupted", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(what + " failed", e);
    }
  }

  static void param(StringBuilder q, String name, Object value) {
    if (value == null) {
      return;
    }
    q.append(q.length() == 0 ? '?' : '&')
        .append(name)
        .append('=')
        .append(encode(String.valueOf(value)));
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
