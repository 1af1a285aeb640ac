package io.prunegate.gateway.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prunegate.events.ModelRef;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.variant.LoadedVariant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * Per-model routing. A bare name (or {@code @champion}) goes to the champion, except that the
 * challenger, when loaded and its circuit breaker is not open, takes the requests whose routing key
 * hashes into its share (sticky: a key always gets the same variant while the routes stand); a
 * shadow, when loaded, gets a copy of a share of the champion's requests (by request-id hash).
 * {@code name@alias} goes to that alias, {@code name:version} to whichever alias holds the version
 * ({@code pinned}). Route tables are swapped atomically by the hot-swap code.
 */
public final class Router {

  private final GatewayConfig.Routing settings;
  private final Map<String, AtomicReference<RouteTable>> tables = new ConcurrentHashMap<>();

  public Router(GatewayConfig.Routing settings) {
    this.settings = settings;
  }

  /** Declares a model as served (with no routes yet) so requests get "not loaded yet". */
  public void declare(String model) {
    tables.computeIfAbsent(model, m -> new AtomicReference<>(RouteTable.empty(m)));
  }

  /** The current table of {@code model}. */
  public Optional<RouteTable> table(String model) {
    AtomicReference<RouteTable> ref = tables.get(model);
    return ref == null ? Optional.empty() : Optional.of(ref.get());
  }

  /** Models served (declared or routed). */
  public Set<String> models() {
    return new TreeSet<>(tables.keySet());
  }

  /** Atomically replaces the table of {@code model}; returns the previous one. */
  public RouteTable update(String model, UnaryOperator<RouteTable> change) {
    AtomicReference<RouteTable> ref =
        tables.computeIfAbsent(model, m -> new AtomicReference<>(RouteTable.empty(m)));
    return ref.getAndUpdate(change);
  }

  /** Routes a request for {@code ref} with the given routing key and id. */
  public Route route(ModelRef ref, String routingKey, String requestId) {
    AtomicReference<RouteTable> holder = tables.get(ref.name());
    if (holder == null) {
      return new Route.Reject("model '" + ref.name() + "' is not served by this gateway", true);
    }
    RouteTable t = holder.get();
    if (ref.version() != null) {
      return t.version(ref.version())
          .<Route>map(v -> new Route.Serve(v, "pinned", null))
          .orElseGet(
              () ->
                  new Route.Reject(
                      "version "
                          + ref.version()
                          + " of model '"
                          + ref.name()
                          + "' is not loaded (loaded: "
                          + loadedVersions(t)
                          + ")",
                      false));
    }
    String alias = ref.effectiveAlias().orElse(ModelRef.CHAMPION);
    if (!alias.equals(ModelRef.CHAMPION)) {
      return t.alias(alias)
          .<Route>map(v -> new Route.Serve(v, alias, null))
          .orElseGet(
              () ->
                  new Route.Reject(
                      "model '" + ref.name() + "' has no '" + alias + "' variant loaded", false));
    }
    Optional<LoadedVariant> champion = t.champion();
    if (champion.isEmpty()) {
      return new Route.Reject("model '" + ref.name() + "' has no champion loaded yet", false);
    }
    LoadedVariant challenger = t.alias(ModelRef.CHALLENGER).orElse(null);
    if (challenger != null
        && challenger != champion.get()
        && challenger.breaker().getState() != CircuitBreaker.State.OPEN
        && StickyBucket.within(routingKey, settings.challengerShare())) {
      return new Route.Serve(challenger, ModelRef.CHALLENGER, null);
    }
    LoadedVariant shadow = t.alias(ModelRef.SHADOW).orElse(null);
    if (shadow != null
        && (shadow == champion.get()
            || shadow.breaker().getState() == CircuitBreaker.State.OPEN
            || !StickyBucket.within(requestId, settings.shadowShare()))) {
      shadow = null;
    }
    return new Route.Serve(champion.get(), ModelRef.CHAMPION, shadow);
  }

  /** The champion of {@code model}, for fallbacks. */
  public Optional<LoadedVariant> champion(String model) {
    return table(model).flatMap(RouteTable::champion);
  }

  private static String loadedVersions(RouteTable t) {
    Set<Integer> v = new TreeSet<>();
    t.aliases().values().forEach(x -> v.add(x.version()));
    return v.isEmpty() ? "none" : v.toString();
  }
}
