package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.BlobCollector;
import io.prunegate.registry.jobs.JobStore;
import io.prunegate.registry.metrics.RegistryMetrics;
import io.prunegate.registry.store.CatalogStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The registry's REST API under {@value RouteSpec#PREFIX}: the route table, the router built from
 * it, and the OpenAPI document generated from it.
 */
public final class RegistryApi {

  /** Limits and security of the API. */
  public record Settings(
      long maxJsonBytes,
      long maxUploadBytes,
      BearerAuth auth,
      Duration gcGrace,
      String version,
      BooleanSupplier stopping) {}

  private final List<RouteSpec> routes;
  private final Router router;
  private final ObjectNode openApi;

  private RegistryApi(List<RouteSpec> routes, Router router, ObjectNode openApi) {
    this.routes = routes;
    this.router = router;
    this.openApi = openApi;
  }

  /** Builds the API over the given stores; blocking work runs on {@code worker}. */
  public static RegistryApi create(
      Vertx vertx,
      WorkerExecutor worker,
      CatalogStore catalog,
      JobStore jobs,
      ArtifactStore artifacts,
      BlobCollector collector,
      Supplier<ObjectNode> health,
      RegistryMetrics metrics,
      Settings settings) {
    ArtifactTransfer transfer =
        new ArtifactTransfer(vertx, worker, artifacts, settings.maxUploadBytes(), metrics);
    RegistryRoutes table =
        new RegistryRoutes(
            catalog,
            jobs,
            artifacts,
            collector,
            transfer,
            health,
            scrape(worker, metrics),
            settings.gcGrace());
    List<RouteSpec> routes = List.copyOf(table.all());
    ObjectNode doc = OpenApiDocument.build(routes, settings.version());
    table.setOpenApi(RegistryJson.write(doc));
    Router router =
        RegistryRouter.build(
            vertx,
            routes,
            settings.auth(),
            worker,
            settings.maxJsonBytes(),
            settings.maxUploadBytes(),
            metrics,
            settings.stopping());
    return new RegistryApi(routes, router, doc);
  }

  /** Serves {@link RegistryMetrics#scrape()}, on the worker: it reads counts from the database. */
  private static Handler<RoutingContext> scrape(WorkerExecutor worker, RegistryMetrics metrics) {
    return ctx ->
        worker
            .executeBlocking(metrics::scrape, false)
            .onComplete(
                ar -> {
                  if (ar.failed()) {
                    ctx.fail(ar.cause());
                  } else {
                    ctx.response()
                        .putHeader("Content-Type", RegistryMetrics.CONTENT_TYPE)
                        .end(ar.result());
                  }
                });
  }

  /** The route table. */
  public List<RouteSpec> routes() {
    return routes;
  }

  /** The router serving the routes. */
  public Router router() {
    return router;
  }

  /** The OpenAPI document (a copy). */
  public ObjectNode openApi() {
    return openApi.deepCopy();
  }
}
