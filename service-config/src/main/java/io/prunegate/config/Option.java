package io.prunegate.config;

import java.util.Objects;

/**
 * One configuration option, declared once: its name, value type, default, environment variable,
 * command-line flag, description and validator. Declare options with {@link #define} into the
 * service's {@link OptionTable}; the binder, {@code --help} and the documentation all read these
 * declarations, so none of them restates a default or a variable name.
 *
 * @param name stable identifier used in messages ({@code concurrency}, {@code max upload})
 * @param type how values are read ({@link ValueGrammar})
 * @param defaultValue the default as text in the grammar of {@code type}; null when the option has
 *     no value unless set (the bound value is then null)
 * @param shownDefault what documentation shows as the default when it is computed rather than
 *     literal ({@code <host>-<pid>}); null shows {@code defaultValue}
 * @param env environment variable, or null for a flag without one
 * @param flag long flag ({@code --lease}), or null for an option read only from the environment
 * @param description one sentence for {@code --help} and the docs
 * @param validator checks a bound value
 */
public record Option<T>(
    String name,
    ValueType<T> type,
    String defaultValue,
    String shownDefault,
    String env,
    String flag,
    String description,
    Validator<T> validator) {

  public Option {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(validator, "validator");
    if (env == null && flag == null) {
      throw new IllegalArgumentException(name + ": an option needs a flag or a variable");
    }
    if (flag != null && !flag.startsWith("--")) {
      throw new IllegalArgumentException(name + ": flags are long flags, was " + flag);
    }
  }

  /** Starts the declaration of an option of {@code type}. */
  public static <T> Definition<T> define(String name, ValueType<T> type) {
    return new Definition<>(name, type);
  }

  /** The default parsed and validated; null when the option has no default. */
  public T defaultParsed() {
    return defaultValue == null ? null : parse(defaultValue);
  }

  /** Parses and validates {@code text}; messages start with the option's name. */
  public T parse(String text) {
    T value;
    try {
      value = type.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    return validate(value);
  }

  /**
   * Checks a typed value (also used by records built in code, so both paths share one check);
   * returns it. The message is {@code "<name> <validator message>"}.
   */
  public T validate(T value) {
    if (value != null) {
      try {
        validator.check(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(name + " " + e.getMessage(), e);
      }
    }
    return value;
  }

  /** Where a value can come from, for messages: {@code --lease / PRUNEGATE_PRUNER_LEASE}. */
  public String sources() {
    if (flag == null) {
      return env;
    }
    return env == null ? flag : flag + " / " + env;
  }

  /**
   * The fluent declaration of one option; {@link #in(OptionTable)} ends it and adds the option to
   * its table (a declaration that is not in a table cannot be bound, so none is forgotten).
   */
  public static final class Definition<T> {
    private final String name;
    private final ValueType<T> type;
    private String defaultValue;
    private String shownDefault;
    private String env;
    private String flag;
    private String description = "";
    private Validator<T> validator = Validator.any();

    private Definition(String name, ValueType<T> type) {
      this.name = name;
      this.type = type;
    }

    public Definition<T> flag(String value) {
      flag = value;
      return this;
    }

    public Definition<T> env(String value) {
      env = value;
      return this;
    }

    /** The default, written as a user would write it ({@code 2m}, {@code 4g}). */
    public Definition<T> byDefault(String value) {
      defaultValue = value;
      return this;
    }

    /** How docs show a default that code computes (the option has no literal default). */
    public Definition<T> shownDefault(String value) {
      shownDefault = value;
      return this;
    }

    public Definition<T> doc(String value) {
      description = value;
      return this;
    }

    public Definition<T> validate(Validator<T> value) {
      validator = value;
      return this;
    }

    /** Ends the declaration and adds the option to {@code table}. */
    public Option<T> in(OptionTable table) {
      Option<T> option =
          new Option<>(name, type, defaultValue, shownDefault, env, flag, description, validator);
      option.defaultParsed(); // a default that does not parse is a bug in the declaration
      return table.add(option);
    }
  }
}
