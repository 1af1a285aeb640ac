package io.prunegate.config;

import java.util.HashMap;
import java.util.Map;

/**
 * The bound values of one table, typed by option: what a service's config record is built from.
 * Immutable; {@link #with} returns a copy with one value replaced (validated), which is how tests
 * and embedded setups configure a service in code without strings.
 */
public final class OptionValues {

  private final OptionTable table;
  private final Map<Option<?>, Object> values;

  OptionValues(OptionTable table, Map<Option<?>, Object> values) {
    this.table = table;
    this.values = values;
  }

  public OptionTable table() {
    return table;
  }

  /** The value of {@code option}; null when it has none. */
  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    requireDeclared(option);
    return (T) values.get(option);
  }

  /** A copy with {@code option} set to {@code value} (checked by the option's validator). */
  public <T> OptionValues with(Option<T> option, T value) {
    requireDeclared(option);
    Map<Option<?>, Object> copy = new HashMap<>(values);
    copy.put(option, option.validate(value));
    return new OptionValues(table, copy);
  }

  private void requireDeclared(Option<?> option) {
    if (!values.containsKey(option)) {
      throw new IllegalArgumentException(
          "option '" + option.name() + "' is not declared in the " + table.service() + " table");
    }
  }
}
