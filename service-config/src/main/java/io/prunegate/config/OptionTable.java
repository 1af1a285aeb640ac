package io.prunegate.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The declaration table of one service (in the spirit of Kafka's {@code ConfigDef}): every option
 * the service reads, in documentation order. Options are added by {@link Option.Definition#in}
 * while the declaring class initializes; a table may include the options of a shared table (Kafka
 * bootstrap, topics) so they are declared once for all services. Names, flags and variables are
 * unique within a table.
 */
public final class OptionTable {

  private final String service;
  private final List<Option<?>> options = new ArrayList<>();

  private OptionTable(String service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /** An empty table for {@code service} ({@code pruner}, {@code registry}, {@code gateway}). */
  public static OptionTable of(String service) {
    return new OptionTable(service);
  }

  public String service() {
    return service;
  }

  /** The options in declaration order. */
  public List<Option<?>> options() {
    return Collections.unmodifiableList(options);
  }

  /** The environment variables this table declares. */
  public Set<String> envNames() {
    Set<String> names = new TreeSet<>();
    for (Option<?> o : options) {
      if (o.env() != null) {
        names.add(o.env());
      }
    }
    return names;
  }

  /** Adds an option declared elsewhere (a shared one) to this table too; returns it. */
  public synchronized <T> Option<T> add(Option<T> option) {
    for (Option<?> o : options) {
      if (o.name().equals(option.name())
          || (o.flag() != null && o.flag().equals(option.flag()))
          || (o.env() != null && o.env().equals(option.env()))) {
        throw new IllegalArgumentException(
            service + ": option '" + option.name() + "' clashes with '" + o.name() + "'");
      }
    }
    options.add(option);
    return option;
  }

  /** The values of this table from the environment and defaults only (no command line). */
  public OptionValues bind(Map<String, String> env) {
    return ConfigBinder.bind(this, Map.of(), env);
  }

  /** The defaults only. */
  public OptionValues defaults() {
    return bind(Map.of());
  }
}
