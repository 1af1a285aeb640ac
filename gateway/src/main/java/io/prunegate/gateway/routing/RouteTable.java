package io.prunegate.gateway.routing;

import io.prunegate.events.ModelRef;
import io.prunegate.gateway.variant.LoadedVariant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which loaded version each alias of a model points at: an immutable snapshot, replaced as a whole
 * (so a request sees either the old routes or the new ones, never a mix).
 */
public record RouteTable(String model, Map<String, LoadedVariant> aliases) {

  public RouteTable {
    aliases = Map.copyOf(aliases);
  }

  public static RouteTable empty(String model) {
    return new RouteTable(model, Map.of());
  }

  public Optional<LoadedVariant> alias(String alias) {
    return Optional.ofNullable(aliases.get(alias));
  }

  public Optional<LoadedVariant> champion() {
    return alias(ModelRef.CHAMPION);
  }

  /** The loaded variant of {@code version}, whichever alias holds it. */
  public Optional<LoadedVariant> version(int version) {
    return aliases.values().stream().filter(v -> v.version() == version).findFirst();
  }

  /** This table with {@code alias} pointing at {@code variant}. */
  public RouteTable with(String alias, LoadedVariant variant) {
    Map<String, LoadedVariant> m = new LinkedHashMap<>(aliases);
    m.put(alias, variant);
    return new RouteTable(model, m);
  }

  /** This table without {@code alias}. */
  public RouteTable without(String alias) {
    Map<String, LoadedVariant> m = new LinkedHashMap<>(aliases);
    m.remove(alias);
    return new RouteTable(model, m);
  }

  /** The distinct variants the table references. */
  public Collection<LoadedVariant> variants() {
    return aliases.values().stream().distinct().toList();
  }
}
