package io.prunegate.registry.api;

import io.netty.handler.codec.http2.Http2Exception;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.metrics.RegistryMetrics;
import io.prunegate.registry.store.StoreException;
import io.prunegate.registry.store.StoreRefusal;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamResetException;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;
import java.nio.channels.ClosedChannelException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the Vert.x router from the route table. Every route runs the same chain: a timer (the
 * request's route template, method and status go to {@link RegistryMetrics}), token check, refusal
 * of undocumented query parameters, early 413 on a declared {@code Content-Length} over the limit
 * (before any body is read; {@code Expect: 100-continue} is answered only after these checks), the
 * JSON body limit, then the operation on a worker thread. Every failure, including unknown routes
 * and wrong methods, is answered as {@code {"error": ..., "field": ...}}.
 */
public final class RegistryRouter {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryRouter.class);

  private RegistryRouter() {}

  /**
   * A router serving {@code routes}.
   *
   * @param maxJsonBytes limit of JSON request bodies
   * @param maxUploadBytes limit of artifact uploads
   * @param metrics records every request under its route's template; unrouted ones are only counted
   * @param stopping true once the server began to stop: a request cut short then (its file system
   *     or database closed under it) is answered 503 and logged at INFO, not as a failure
   */
  public static Router build(
      Vertx vertx,
      List<RouteSpec> routes,
      BearerAuth auth,
      WorkerExecutor worker,
      long maxJsonBytes,
      long maxUploadBytes,
      RegistryMetrics metrics,
      BooleanSupplier stopping) {
    Router router = Router.router(vertx);
    router.route().failureHandler(ctx -> failure(ctx, stopping));
    for (RouteSpec spec : routes) {
      Route route = router.route(spec.method(), spec.vertxPath()).setName(spec.operationId());
      long limit =
          switch (spec.body()) {
            case STREAM -> maxUploadBytes;
            case JSON -> maxJsonBytes;
            case NONE -> 0;
          };
      Set<String> queryParams =
          spec.params().stream()
              .filter(p -> p.in().equals("query"))
              .map(RouteSpec.Param::name)
              .collect(Collectors.toSet());
      String template = spec.fullPath();
      String method = spec.method().name();
      // first, so that refusals by the checks below are timed too
      route.handler(
          (PlatformHandler)
              ctx -> {
                long start = System.nanoTime();
                ctx.addEndHandler(
                    x ->
                        metrics.request(
                            template,
                            method,
                            ctx.response().getStatusCode(),
                            System.nanoTime() - start));
                ctx.next();
              });
      // a platform handler: Vert.x runs it before the body handler, so refusals read no body
      route.handler((PlatformHandler) ctx -> precheck(ctx, spec, auth, queryParams, limit));
      if (spec.body() == RouteSpec.Body.JSON) {
        route.handler(BodyHandler.create(false).setBodyLimit(maxJsonBytes));
      }
      if (spec.json() != null) {
        route.handler(ctx -> runJson(ctx, spec, worker));
      } else {
        route.handler(spec.raw());
      }
    }
    // unrouted requests only count: their path and method are the client's, unbounded as labels
    router.errorHandler(
        404,
        ctx -> {
          metrics.unmatched();
          reply(
              ctx,
              404,
              "no route for " + ctx.request().method() + " " + ctx.request().path(),
              null);
        });
    router.errorHandler(
        405,
        ctx -> {
          metrics.unmatched();
          reply(
              ctx,
              405,
              "method " + ctx.request().method() + " not allowed on " + ctx.request().path(),
              null);
        });
    router.errorHandler(400, ctx -> reply(ctx, 400, "bad request", null));
    router.errorHandler(500, ctx -> failure(ctx, stopping));
    return router;
  }

  private static void precheck(
      RoutingContext ctx, RouteSpec spec, BearerAuth auth, Set<String> queryParams, long limit) {
    HttpServerRequest req = ctx.request();
    auth.check(spec.access(), req.getHeader("Authorization"));
    for (String name : ctx.queryParams().names()) {
      if (!queryParams.contains(name)) {
        throw RegistryProblem.invalid(name, "unknown query parameter");
      }
    }
    String length = req.getHeader("Content-Length");
    if (length != null && spec.body() != RouteSpec.Body.NONE) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw RegistryProblem.invalid("Content-Length", "not a number");
      }
      if (declared > limit) {
        throw RegistryProblem.tooLarge(
            null,
            "request body of "
                + declared
                + " bytes exceeds the limit of "
                + limit
                + " bytes; nothing was stored");
      }
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader("Expect"))) {
      ctx.response().writeContinue();
    }
    ctx.next();
  }

  private static void runJson(RoutingContext ctx, RouteSpec spec, WorkerExecutor worker) {
    Map<String, String> headers = new HashMap<>();
    ctx.request()
        .headers()
        .forEach(
            e -> headers.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
    Map<String, List<String>> query = new HashMap<>();
    for (String name : ctx.queryParams().names()) {
      query.put(name, ctx.queryParams().getAll(name));
    }
    byte[] body =
        ctx.body() != null && ctx.body().buffer() != null
            ? ctx.body().buffer().getBytes()
            : new byte[0];
    ApiRequest request = new ApiRequest(Map.copyOf(ctx.pathParams()), query, headers, body);
    worker
        .<ApiReply>executeBlocking(() -> spec.json().handle(request), false)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
              }
              ApiReply reply = ar.result();
              HttpServerResponse resp = ctx.response().setStatusCode(reply.status());
              reply.headers().forEach(resp::putHeader);
              if (reply.body() == null) {
                resp.end();
              } else {
                resp.putHeader("Content-Type", "application/json")
                    .end(Buffer.buffer(RegistryJson.write(reply.body())));
              }
            });
  }

  private static void failure(RoutingContext ctx, BooleanSupplier stopping) {
    Throwable t = ctx.failure();
    if (t instanceof StoreRefusal r) {
      t = ErrorReplies.problem(r);
    }
    if (t instanceof RegistryProblem p) {
      reply(ctx, p.status(), p.getMessage(), p.field());
    } else if (t instanceof ArtifactTransfer.RangeProblem r) {
      ctx.response().putHeader("Content-Range", "bytes */" + r.size);
      reply(ctx, 416, r.getMessage(), "Range");
    } else if (connectionLost(t)) {
      // The connection or stream closed before the reply (the client left, or the server is
      // stopping and sent GOAWAY): nobody is there to answer, and it is not the registry's failure.
      LOG.debug(
          "connection lost before the reply path={} error={}", ctx.request().path(), t.toString());
    } else if (t != null && stopping.getAsBoolean()) {
      // In flight while the server stops: its file system or database closed under it. The
      // client gets a retryable 503; nothing is wrong with the registry.
      LOG.info(
          "request cut short by shutdown path={} error={}", ctx.request().path(), t.toString());
      reply(ctx, 503, "the registry is stopping; retry", null);
    } else if (t instanceof StoreException) {
      LOG.error("database failure path={} error={}", ctx.request().path(), t.getMessage(), t);
      reply(ctx, 500, "database error", null);
    } else if (t != null) {
      LOG.error("request failed path={} error={}", ctx.request().path(), t.toString(), t);
      reply(ctx, 500, "internal error", null);
    } else {
      int status = ctx.statusCode() < 400 ? 500 : ctx.statusCode();
      String message =
          switch (status) {
            case 413 -> "request body exceeds the limit; nothing was stored";
            case 400 -> "bad request";
            case 404 -> "not found";
            default -> "request failed with status " + status;
          };
      reply(ctx, status, message, null);
    }
  }

  /** Whether {@code t} (or a cause) is the request's connection or HTTP/2 stream going away. */
  private static boolean connectionLost(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof HttpClosedException
          || c instanceof StreamResetException
          || c instanceof Http2Exception
          || c instanceof ClosedChannelException) {
        return true;
      }
    }
    return false;
  }

  /** Sends a JSON error; closes the connection when the request body was not read to its end. */
  static void reply(RoutingContext ctx, int status, String message, String field) {
    HttpServerResponse resp = ctx.response();
    HttpServerRequest req = ctx.request();
    boolean unreadBody = !req.isEnded();
    if (unreadBody && !resp.headWritten()) {
      resp.putHeader("Connection", "close");
      // through the context, not resp.endHandler: that would replace the handler the context's
      // own end handlers (the request timer among them) hang on
      ctx.addEndHandler(v -> req.connection().close());
    }
    ErrorReplies.send(resp, status, message, field);
  }
}
