package io.prunegate.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Binds a table's options: the flag wins over the environment variable, which wins over the
 * default. A blank flag or variable counts as unset (Kubernetes manifests often set optional
 * variables to {@code ""}). Every error names the option's flag and variable, so a user knows what
 * to fix wherever the value came from. The environment is passed in as a map, so tests never touch
 * the process environment.
 */
public final class ConfigBinder {

  private ConfigBinder() {}

  /**
   * Binds {@code table} from {@code flags} (flag name such as {@code --lease} to the text given;
   * list flags joined with commas) and {@code env}.
   */
  public static OptionValues bind(
      OptionTable table, Map<String, String> flags, Map<String, String> env) {
    Map<Option<?>, Object> values = new HashMap<>();
    for (Option<?> option : table.options()) {
      values.put(option, value(option, flags, env));
    }
    return new OptionValues(table, values);
  }

  /**
   * Binds {@code table} from the options matched on {@code spec} (registered with {@link
   * #register}) and {@code env}.
   */
  public static OptionValues bind(OptionTable table, CommandSpec spec, Map<String, String> env) {
    return bind(table, flags(table, spec), env);
  }

  /**
   * The texts given on {@code spec} for the flags of {@code table} (registered with {@link
   * #register}), by flag name; a command that registers a subset of a table binds the whole table
   * from these.
   */
  public static Map<String, String> flags(OptionTable table, CommandSpec spec) {
    Map<String, String> flags = new HashMap<>();
    for (Option<?> option : table.options()) {
      if (option.flag() == null) {
        continue;
      }
      OptionSpec o = spec.findOption(option.flag());
      if (o == null) {
        throw new IllegalStateException(option.flag() + " is not registered on " + spec.name());
      }
      Object v = o.getValue();
      if (v instanceof String[] many) {
        flags.put(option.flag(), String.join(",", Arrays.asList(many)));
      } else if (v != null) {
        flags.put(option.flag(), v.toString());
      }
    }
    return flags;
  }

  /**
   * Adds one picocli option per declared flag of {@code table} to {@code spec}, so that {@code
   * --help} shows the declarations (description, default and variable).
   */
  public static void register(CommandSpec spec, OptionTable table) {
    for (Option<?> option : table.options()) {
      if (option.flag() == null) {
        continue;
      }
      OptionSpec.Builder b =
          OptionSpec.builder(option.flag())
              .paramLabel("<" + option.type().name() + ">")
              .description(helpText(option));
      switch (option.type().shape()) {
        case SWITCH -> b.type(String.class).arity("0..1").fallbackValue("true");
        // picocli negates only boolean options; the binder reads the Boolean back as text
        case NEGATABLE_SWITCH -> b.type(Boolean.class).arity("0..1").negatable(true);
        case LIST -> b.type(String[].class).arity("1");
        case SCALAR -> b.type(String.class).arity("1");
      }
      spec.addOption(b.build());
    }
  }

  private static String helpText(Option<?> option) {
    StringBuilder s = new StringBuilder(option.description());
    // docs render defaults as Markdown code; a terminal shows them plain
    String shown = OptionDocs.shownDefault(option).replace("`", "");
    s.append(" (default ").append(shown);
    if (option.env() != null) {
      s.append("; env ").append(option.env());
    }
    return s.append(')').toString();
  }

  private static <T> T value(Option<T> option, Map<String, String> flags, Map<String, String> env) {
    String text = option.flag() == null ? null : flags.get(option.flag());
    if (text == null || text.isBlank()) {
      text = option.env() == null ? null : env.get(option.env());
    }
    if (text == null || text.isBlank()) {
      return option.defaultParsed();
    }
    T value;
    try {
      value = option.type().parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option.sources() + ": " + e.getMessage(), e);
    }
    try {
      return option.validate(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option.sources() + ": " + e.getMessage(), e);
    }
  }
}
