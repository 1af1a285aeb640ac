package io.prunegate.pruner.policy;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a policy's {@code methods} list: the method's name and its parameters as written
 * (every key but {@code method}). The service does not interpret the parameters: the {@link
 * io.prunegate.pruner.method.CompressionMethod} of that name validates them through {@link
 * #reader()}, so errors name the field ({@code methods[0].selection}).
 *
 * @param method the method's name ({@code chip}, {@code finercut}, {@code llm-pruner})
 * @param parameters the other keys of the entry, in their JSON form (strings, numbers, booleans,
 *     lists, maps)
 * @param field where the entry is in the policy, e.g. {@code methods[0]}
 * @param label a short name for its variants: the method's name, suffixed with the entry's position
 *     when the policy lists the method more than once (e.g. {@code chip-2})
 */
public record MethodSpec(
    String method, Map<String, Object> parameters, String field, String label) {

  public MethodSpec {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(label, "label");
    parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
  }

  /** A reader of the parameters that names each field in its errors. */
  public Reader reader() {
    return new Reader(this);
  }

  /**
   * Typed, strict access to a method's parameters. Call {@link #requireOnly} with every key the
   * method knows so that a typo fails instead of being ignored.
   */
  public static final class Reader {
    private final MethodSpec spec;

    private Reader(MethodSpec spec) {
      this.spec = spec;
    }

    /** Fails naming the first parameter that is not in {@code known}. */
    public void requireOnly(List<String> known) {
      for (String key : spec.parameters.keySet()) {
        if (!known.contains(key)) {
          throw new PolicyException(
              field(key),
              "unknown parameter of method '"
                  + spec.method
                  + "' (known: method, "
                  + String.join(", ", known)
                  + ")");
        }
      }
    }

    /** The path of a parameter in the policy, for error messages. */
    public String field(String key) {
      return spec.field + "." + key;
    }

    /** A string parameter, or empty when absent. */
    public Optional<String> text(String key) {
      Object v = spec.parameters.get(key);
      if (v == null) {
        return Optional.empty();
      }
      if (!(v instanceof String s)) {
        throw new PolicyException(field(key), "must be a string, was " + v);
      }
      return Optional.of(s);
    }

    /** A boolean parameter, or {@code fallback} when absent. */
    public boolean bool(String key, boolean fallback) {
      Object v = spec.parameters.get(key);
      if (v == null) {
        return fallback;
      }
      if (!(v instanceof Boolean b)) {
        throw new PolicyException(field(key), "must be true or false, was " + v);
      }
      return b;
    }

    /** An integer parameter within [min, max], or {@code fallback} when absent. */
    public int integer(String key, int fallback, int min, int max) {
      Object v = spec.parameters.get(key);
      if (v == null) {
        return fallback;
      }
      if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new PolicyException(field(key), "must be an integer, was " + v);
      }
      long l = n.longValue();
      if (l < min || l > max) {
        throw new PolicyException(
            field(key), "must be between " + min + " and " + max + ", was " + l);
      }
      return (int) l;
    }

    /** A number parameter within [min, max], or {@code fallback} when absent. */
    public double number(String key, double fallback, double min, double max) {
      Object v = spec.parameters.get(key);
      if (v == null) {
        return fallback;
      }
      if (!(v instanceof Number n)) {
        throw new PolicyException(field(key), "must be a number, was " + v);
      }
      double d = n.doubleValue();
      if (!(d >= min && d <= max)) {
        throw new PolicyException(
            field(key), "must be between " + min + " and " + max + ", was " + d);
      }
      return d;
    }

    /** A non-empty list of numbers within [min, max], or {@code fallback} when absent. */
    public List<Double> numbers(String key, List<Double> fallback, double min, double max) {
      Object v = spec.parameters.get(key);
      if (v == null) {
        return fallback;
      }
      if (!(v instanceof List<?> list) || list.isEmpty()) {
        throw new PolicyException(field(key), "must be a non-empty list of numbers, was " + v);
      }
      return list.stream()
          .map(
              x -> {
                if (!(x instanceof Number n)
                    || !(n.doubleValue() >= min && n.doubleValue() <= max)) {
                  throw new PolicyException(
                      field(key),
                      "every entry must be a number between " + min + " and " + max + ", was " + x);
                }
                return n.doubleValue();
              })
          .toList();
    }
  }
}
