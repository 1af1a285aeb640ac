package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import java.util.List;
import java.util.Map;

/**
 * What a JSON operation sees of an HTTP request: decoded path parameters, query parameters,
 * selected headers and the raw body. Independent of Vert.x so that operations are plain functions
 * run on a worker thread.
 */
public record ApiRequest(
    Map<String, String> pathParams,
    Map<String, List<String>> query,
    Map<String, String> headers,
    byte[] body) {

  /** A path parameter (always present when the route matched). */
  public String path(String name) {
    String v = pathParams.get(name);
    if (v == null) {
      throw new IllegalStateException("route has no path parameter " + name);
    }
    return v;
  }

  /** The single value of a query parameter, or null; 400 when it is repeated. */
  public String query(String name) {
    List<String> values = query.getOrDefault(name, List.of());
    if (values.size() > 1) {
      throw RegistryProblem.invalid(name, "query parameter given more than once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of a repeatable query parameter. */
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** An integer query parameter within {@code [min, max]}, or {@code fallback} when absent. */
  public int intQuery(String name, int fallback, int min, int max) {
    String v = query(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw RegistryProblem.invalid(
            name, "must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw RegistryProblem.invalid(name, "must be an integer, was '" + v + "'");
    }
  }

  /** A header (lower-case name), or null. */
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  /** The body parsed as JSON; 400 when it is empty or malformed. */
  public JsonNode json() {
    return RegistryJson.parse(body);
  }
}
