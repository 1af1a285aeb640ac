package io.prunegate.gateway.swap;

import io.prunegate.events.ModelRef;
import io.prunegate.gateway.batching.BatchScheduler;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.resilience.VariantBreakers;
import io.prunegate.gateway.routing.RouteTable;
import io.prunegate.gateway.routing.Router;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.gateway.variant.VariantKey;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot swap. Alias changes (from {@code alias.moved} events, or a registry poll) are applied one at
 * a time on the swap thread: the new version is loaded and warmed up off the serving path (or
 * reused when another alias already holds it), the model's route table is replaced atomically, and
 * a version no alias references any more stops taking requests, finishes the batches it accepted,
 * and is closed, freeing its memory. A load that fails leaves the old version serving; the failure
 * is logged, counted ({@code prunegate_gateway_model_loads_total{outcome="failure"}}) and kept in
 * {@link #history()}. Changes that a newer one for the same alias overtook while queued are
 * skipped.
 */
public final class SwapCoordinator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SwapCoordinator.class);
  private static final int HISTORY = 200;

  private final Router router;
  private final VariantLoader loader;
  private final BatchScheduler<LoadedVariant> scheduler;
  private final VariantBreakers breakers;
  private final GatewayMetrics metrics;
  private final RegistryClient client;
  private final Set<String> models;
  private final List<String> aliases;
  private final ExecutorService swapThread =
      Executors.newSingleThreadExecutor(daemon("gateway-swap"));
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(daemon("gateway-registry-poll"));
  private final Map<VariantKey, LoadedVariant> loaded = new ConcurrentHashMap<>();
  private final Map<String, Integer> desired = new ConcurrentHashMap<>();
  private final Deque<SwapReport> history = new ArrayDeque<>();
  private final AtomicLong failures = new AtomicLong();

  public SwapCoordinator(
      Router router,
      VariantLoader loader,
      BatchScheduler<LoadedVariant> scheduler,
      VariantBreakers breakers,
      GatewayMetrics metrics,
      RegistryClient client,
      List<String> models,
      List<String> aliases) {
    this.router = router;
    this.loader = loader;
    this.scheduler = scheduler;
    this.breakers = breakers;
    this.metrics = metrics;
    this.client = client;
    this.models = Set.copyOf(models);
    this.aliases = List.copyOf(aliases);
    models.forEach(router::declare);
    metrics.count(
        "model.load.failures", "failed version loads since start", failures::get, "scope", "all");
  }

  /** True when this gateway serves {@code model} (all models when none are configured). */
  public boolean follows(String model) {
    return models.isEmpty() || models.contains(model);
  }

  /** Reads the followed aliases of every served model from the registry and applies them. */
  public CompletableFuture<List<SwapReport>> syncAll() {
    return CompletableFuture.supplyAsync(
        () -> {
          List<SwapReport> out = new ArrayList<>();
          for (String m : modelsToSync()) {
            out.addAll(syncModel(m));
          }
          return out;
        },
        swapThread);
  }

  /** Polls the registry every {@code interval} (catches changes whose events were missed). */
  public void startPolling(Duration interval) {
    if (interval.isZero() || interval.isNegative()) {
      return;
    }
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            syncAll().join();
          } catch (RuntimeException e) {
            LOG.warn("registry poll failed error={}", e.toString());
          }
        },
        interval.toMillis(),
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** An alias now points at {@code version}: swap to it (asynchronously). */
  public CompletableFuture<SwapReport> aliasMoved(String model, String alias, int version) {
    if (!follows(model) || !aliases.contains(alias)) {
      return CompletableFuture.completedFuture(null);
    }
    String slot = model + "@" + alias;
    desired.put(slot, version);
    return CompletableFuture.supplyAsync(
        () -> {
          Integer wanted = desired.get(slot);
          if (wanted == null || wanted != version) {
            return remember(new SwapReport(model, alias, null, version, "superseded", null, 0));
          }
          return apply(model, alias, version);
        },
        swapThread);
  }

  /** An alias was removed: stop routing it (the champion is kept: better stale than nothing). */
  public CompletableFuture<SwapReport> aliasDeleted(String model, String alias) {
    if (!follows(model) || !aliases.contains(alias)) {
      return CompletableFuture.completedFuture(null);
    }
    desired.remove(model + "@" + alias);
    return CompletableFuture.supplyAsync(() -> remove(model, alias), swapThread);
  }

  /** The most recent alias changes, oldest first. */
  public synchronized List<SwapReport> history() {
    return List.copyOf(history);
  }

  /** Loads that failed since start. */
  public long failures() {
    return failures.get();
  }

  /** Versions loaded now (serving, or draining before they close). */
  public Set<VariantKey> loadedVersions() {
    return Set.copyOf(loaded.keySet());
  }

  private List<String> modelsToSync() {
    if (!models.isEmpty()) {
      return List.copyOf(models);
    }
    List<String> names = new ArrayList<>(router.models());
    if (client != null) {
      int offset = 0;
      while (true) {
        Page<RegisteredModel> page =
            client.listModels(ModelQuery.all().page(Page.MAX_LIMIT, offset));
        page.items().forEach(m -> names.add(m.name()));
        if (!page.hasMore()) {
          break;
        }
        offset += page.items().size();
      }
    }
    return names.stream().distinct().toList();
  }

  private List<SwapReport> syncModel(String model) {
    router.declare(model);
    if (client == null) {
      return List.of();
    }
    RegisteredModel m;
    try {
      m = client.getModel(model);
    } catch (RegistryException e) {
      if (e.status() == 404) {
        LOG.info("model not registered yet model={}", model);
        return List.of();
      }
      throw e;
    }
    List<SwapReport> out = new ArrayList<>();
    for (String alias : aliases) {
      Integer v = m.aliases().get(alias);
      if (v != null) {
        desired.put(model + "@" + alias, v);
        out.add(apply(model, alias, v));
      } else if (!alias.equals(ModelRef.CHAMPION)
          && router.table(model).flatMap(t -> t.alias(alias)).isPresent()) {
        out.add(remove(model, alias));
      }
    }
    return out;
  }

  private SwapReport apply(String model, String alias, int version) {
    long t0 = System.nanoTime();
    Optional<LoadedVariant> current = router.table(model).flatMap(t -> t.alias(alias));
    Integer from = current.map(LoadedVariant::version).orElse(null);
    if (from != null && from == version) {
      return new SwapReport(model, alias, from, version, "unchanged", null, 0);
    }
    VariantKey key = new VariantKey(model, version);
    LoadedVariant v = loaded.get(key);
    if (v == null) {
      try {
        v = loader.load(model, version);
      } catch (VariantLoadException e) {
        failures.incrementAndGet();
        LOG.error(
            "swap failed, old version keeps serving model={} alias={} from={} to={} error={}",
            model,
            alias,
            from,
            version,
            e.getMessage());
        return remember(
            new SwapReport(model, alias, from, version, "failed", e.getMessage(), millis(t0)));
      }
      v.attachQueue(scheduler.open(v, key.toString()));
      loaded.put(key, v);
    }
    LoadedVariant chosen = v;
    router.update(model, t -> t.with(alias, chosen));
    metrics.swap(model, alias);
    LOG.info(
        "swapped model={} alias={} from={} to={} ms={}", model, alias, from, version, millis(t0));
    releaseUnreferenced();
    return remember(new SwapReport(model, alias, from, version, "swapped", null, millis(t0)));
  }

  private SwapReport remove(String model, String alias) {
    Optional<LoadedVariant> current = router.table(model).flatMap(t -> t.alias(alias));
    Integer from = current.map(LoadedVariant::version).orElse(null);
    if (alias.equals(ModelRef.CHAMPION)) {
      LOG.warn(
          "champion alias removed in the registry; keeping it model={} version={}", model, from);
      return remember(new SwapReport(model, alias, from, null, "kept", null, 0));
    }
    router.update(model, t -> t.without(alias));
    releaseUnreferenced();
    return remember(new SwapReport(model, alias, from, null, "removed", null, 0));
  }

  /** Drains and closes every loaded version no route table references. */
  private void releaseUnreferenced() {
    Set<LoadedVariant> referenced = new HashSet<>();
    for (String m : router.models()) {
      router.table(m).map(RouteTable::variants).ifPresent(referenced::addAll);
    }
    for (LoadedVariant v : List.copyOf(loaded.values())) {
      if (!referenced.contains(v)) {
        loaded.remove(v.key());
        scheduler.drain(
            v.queue(),
            () -> {
              v.close();
              breakers.remove(v.key());
            });
      }
    }
    List<String[]> rows = new ArrayList<>();
    for (String m : router.models()) {
      router
          .table(m)
          .ifPresent(
              t ->
                  t.aliases()
                      .forEach(
                          (alias, v) ->
                              rows.add(new String[] {m, String.valueOf(v.version()), alias})));
    }
    metrics.variantsLoaded(rows);
  }

  private synchronized SwapReport remember(SwapReport r) {
    history.addLast(r);
    while (history.size() > HISTORY) {
      history.removeFirst();
    }
    return r;
  }

  private static long millis(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Stops polling and swapping, then closes every loaded version (call after the workers have
   * finished their batches).
   */
  @Override
  public void close() {
    poller.shutdownNow();
    swapThread.shutdown();
    try {
      swapThread.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (LoadedVariant v : loaded.values()) {
      v.close();
    }
    loaded.clear();
  }
}
