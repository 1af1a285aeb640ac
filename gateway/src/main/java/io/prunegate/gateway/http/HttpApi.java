package io.prunegate.gateway.http;

import io.prunegate.events.ClassificationRequest;
import io.prunegate.events.ClassificationResult;
import io.prunegate.events.EventCodec;
import io.prunegate.events.ModelRef;
import io.prunegate.events.ResultStatus;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.routing.RouteTable;
import io.prunegate.gateway.serving.ClassificationService;
import io.prunegate.gateway.serving.OverloadedException;
import io.prunegate.gateway.variant.LoadedVariant;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The HTTP API on Vert.x Web: Open Inference Protocol v2 ({@code /v2/health/live}, {@code
 * /v2/health/ready}, {@code /v2/models/{name}[/versions/{v}]}, {@code .../ready}, {@code POST
 * .../infer} with the texts as a {@code BYTES} tensor, answered with {@code label}, {@code scores}
 * and {@code exit_layer} outputs), the simple {@code POST /v1/classify}, and {@code GET /metrics}
 * (Prometheus). Requests go through the same {@link ClassificationService} as the Kafka path, so
 * batching, routing and metrics are shared. Invalid bodies get a 4xx with {@code {"error",
 * "field"}}; a full admission queue answers 429.
 */
public final class HttpApi {

  private final ClassificationService service;
  private final GatewayMetrics metrics;
  private final BooleanSupplier ready;
  private final GatewayConfig.Http settings;

  public HttpApi(
      ClassificationService service,
      GatewayMetrics metrics,
      BooleanSupplier ready,
      GatewayConfig.Http settings) {
    this.service = service;
    this.metrics = metrics;
    this.ready = ready;
    this.settings = settings;
  }

  /** The router with every route. */
  public Router router(Vertx vertx) {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(settings.maxBodyBytes()));
    r.get("/v2/health/live").handler(ctx -> json(ctx, 200, new HttpBodies.Live(true)));
    r.get("/v2/health/ready")
        .handler(
            ctx -> {
              boolean ok = ready.getAsBoolean();
              json(ctx, ok ? 200 : 503, new HttpBodies.Ready(ok));
            });
    r.get("/v2")
        .handler(
            ctx ->
                json(
                    ctx,
                    200,
                    new HttpBodies.ServerMetadata("prunegate-gateway", "0.1.0", List.of())));
    r.get("/v2/models/:name").handler(ctx -> guard(ctx, () -> metadata(ctx, null)));
    r.get("/v2/models/:name/versions/:version")
        .handler(ctx -> guard(ctx, () -> metadata(ctx, version(ctx))));
    r.get("/v2/models/:name/ready").handler(ctx -> guard(ctx, () -> modelReady(ctx, null)));
    r.get("/v2/models/:name/versions/:version/ready")
        .handler(ctx -> guard(ctx, () -> modelReady(ctx, version(ctx))));
    r.post("/v2/models/:name/infer").handler(ctx -> guard(ctx, () -> infer(ctx, null)));
    r.post("/v2/models/:name/versions/:version/infer")
        .handler(ctx -> guard(ctx, () -> infer(ctx, version(ctx))));
    r.post("/v1/classify").handler(ctx -> guard(ctx, () -> classify(ctx)));
    r.get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(metrics.scrape()));
    r.route().last().handler(ctx -> error(ctx, 404, "no route " + ctx.request().path(), null));
    r.errorHandler(
        413, ctx -> error(ctx, 413, "body over " + settings.maxBodyBytes() + " bytes", null));
    r.errorHandler(405, ctx -> error(ctx, 405, "method not allowed", null));
    return r;
  }

  // ------------------------------------------------------------------ OIP

  private void metadata(RoutingContext ctx, Integer version) {
    ModelRef ref = ref(ctx, version);
    RouteTable t = servedTable(ref);
    List<LoadedVariant> variants = selected(t, ref);
    if (variants.isEmpty()) {
      throw new HttpProblem(404, "model '" + ref + "' has no loaded version", null);
    }
    TreeSet<String> versions = new TreeSet<>();
    variants.forEach(v -> versions.add(String.valueOf(v.version())));
    TreeMap<String, Integer> aliases = new TreeMap<>();
    t.aliases().forEach((a, v) -> aliases.put(a, v.version()));
    List<String> labels = variants.get(0).labels();
    json(
        ctx,
        200,
        new HttpBodies.ModelMetadata(
            ref.name(),
            List.copyOf(versions),
            "prunegate_djl_pytorch",
            List.of(new HttpBodies.TensorSpec("text", "BYTES", List.of(-1))),
            List.of(
                new HttpBodies.TensorSpec("label", "BYTES", List.of(-1)),
                new HttpBodies.TensorSpec("scores", "FP32", List.of(-1, labels.size())),
                new HttpBodies.TensorSpec("exit_layer", "INT32", List.of(-1))),
            new HttpBodies.ModelParameters(labels, aliases)));
  }

  private void modelReady(RoutingContext ctx, Integer version) {
    ModelRef ref = ref(ctx, version);
    RouteTable t = servedTable(ref);
    boolean ok = !selected(t, ref).isEmpty();
    json(ctx, ok ? 200 : 503, new HttpBodies.ModelReady(ref.name(), ok));
  }

  private void infer(RoutingContext ctx, Integer version) {
    ModelRef ref = ref(ctx, version);
    servedTable(ref);
    InferInput in = InferInput.parse(body(ctx), settings.maxTextsPerRequest());
    String baseId = in.id() != null ? in.id() : UUID.randomUUID().toString();
    long received = System.nanoTime();
    List<CompletableFuture<ClassificationResult>> answers = new ArrayList<>();
    for (int i = 0; i < in.texts().size(); i++) {
      String id = in.texts().size() == 1 ? baseId : baseId + "-" + i;
      ClassificationRequest req =
          new ClassificationRequest(
              id,
              in.texts().get(i),
              ref.toString(),
              in.key() != null ? in.key() : baseId,
              in.deadlineMs());
      answers.add(service.submit(req, ClassificationService.HTTP, received, false));
    }
    Context context = Vertx.currentContext();
    CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
        .whenComplete(
            (v, err) ->
                context.runOnContext(
                    x -> {
                      List<ClassificationResult> rs =
                          answers.stream().map(CompletableFuture::join).toList();
                      respondInfer(ctx, ref, baseId, rs);
                    }));
  }

  private void respondInfer(
      RoutingContext ctx, ModelRef ref, String id, List<ClassificationResult> rs) {
    Optional<ClassificationResult> bad =
        rs.stream().filter(r -> r.status() != ResultStatus.OK).findFirst();
    if (bad.isPresent()) {
      ClassificationResult b = bad.get();
      error(ctx, statusOf(b), b.error(), null);
      return;
    }
    List<String> labels = new ArrayList<>(rs.get(0).scores().keySet());
    List<String> labelData = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    List<Integer> exits = new ArrayList<>();
    List<Integer> versions = new ArrayList<>();
    List<String> variants = new ArrayList<>();
    for (ClassificationResult r : rs) {
      labelData.add(r.label());
      for (String l : labels) {
        scores.add(r.scores().getOrDefault(l, 0.0).floatValue());
      }
      exits.add(r.exitLayer());
      versions.add(r.version());
      variants.add(r.variant());
    }
    int n = rs.size();
    json(
        ctx,
        200,
        new HttpBodies.InferResponse(
            ref.name(),
            String.valueOf(rs.get(0).version()),
            id,
            new HttpBodies.InferParameters(
                labels,
                versions,
                variants,
                rs.stream().map(ClassificationResult::truncated).toList()),
            List.of(
                new HttpBodies.Tensor("label", "BYTES", List.of(n), labelData),
                new HttpBodies.Tensor("scores", "FP32", List.of(n, labels.size()), scores),
                new HttpBodies.Tensor("exit_layer", "INT32", List.of(n), exits))));
  }

  // ------------------------------------------------------------------ /v1/classify

  private void classify(RoutingContext ctx) {
    ClassificationRequest req = ClassifyInput.parse(body(ctx));
    servedTable(req.modelRef());
    CompletableFuture<ClassificationResult> f =
        service.submit(req, ClassificationService.HTTP, System.nanoTime(), false);
    Context context = Vertx.currentContext();
    f.whenComplete(
        (r, err) ->
            context.runOnContext(
                x ->
                    ctx.response()
                        .setStatusCode(statusOf(r))
                        .putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(EventCodec.get().encode(r)))));
  }

  // ------------------------------------------------------------------ plumbing

  private static int statusOf(ClassificationResult r) {
    return switch (r.status()) {
      case OK -> 200;
      case REJECTED -> 503;
      case EXPIRED -> 504;
      case ERROR -> 500;
    };
  }

  private RouteTable servedTable(ModelRef ref) {
    return service
        .router()
        .table(ref.name())
        .orElseThrow(
            () ->
                new HttpProblem(
                    404, "model '" + ref.name() + "' is not served by this gateway", null));
  }

  private static List<LoadedVariant> selected(RouteTable t, ModelRef ref) {
    if (ref.version() != null) {
      return t.version(ref.version()).stream().toList();
    }
    return t.alias(ref.effectiveAlias().orElse(ModelRef.CHAMPION)).stream().toList();
  }

  private static ModelRef ref(RoutingContext ctx, Integer version) {
    String name = ctx.pathParam("name");
    try {
      if (version != null) {
        return new ModelRef(name, null, version);
      }
      return ModelRef.parse(name);
    } catch (IllegalArgumentException e) {
      throw HttpProblem.badRequest("name", e.getMessage());
    }
  }

  private static Integer version(RoutingContext ctx) {
    String v = ctx.pathParam("version");
    if (!v.matches("[1-9][0-9]{0,8}")) {
      throw HttpProblem.badRequest("version", "must be a positive integer, was '" + v + "'");
    }
    return Integer.parseInt(v);
  }

  private static byte[] body(RoutingContext ctx) {
    if (ctx.body() == null || ctx.body().buffer() == null) {
      return null;
    }
    return ctx.body().buffer().getBytes();
  }

  private void guard(RoutingContext ctx, Runnable handler) {
    try {
      handler.run();
    } catch (HttpProblem p) {
      error(ctx, p.status(), p.getMessage(), p.field());

    } catch (OverloadedException e) {
      ctx.response().putHeader("Retry-After", "1");
      error(ctx, 429, e.getMessage(), null);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage(), null);
    }
  }

  private static void error(RoutingContext ctx, int status, String message, String field) {
    json(ctx, status, new HttpBodies.Error(message, field));
  }

  private static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(HttpBodies.write(body)));
  }
}
