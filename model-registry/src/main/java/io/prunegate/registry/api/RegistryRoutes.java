package io.prunegate.registry.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobJson;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.JobState;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NameRules;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.VersionJson;
import io.prunegate.registry.VersionJson.VersionRequest;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.BlobCollector;
import io.prunegate.registry.jobs.JobStore;
import io.prunegate.registry.store.CatalogStore;
import io.prunegate.registry.store.Created;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The REST API's route table: every route with its documentation and handler. The router ({@link
 * RegistryRouter}) and the OpenAPI document ({@link OpenApiDocument}) are both built from this one
 * list.
 */
public final class RegistryRoutes {

  /** Lease a claim gets when the request names none. */
  public static final int DEFAULT_LEASE_SECONDS = 300;

  private final CatalogStore catalog;
  private final JobStore jobs;
  private final ArtifactStore artifacts;
  private final BlobCollector collector;
  private final ArtifactTransfer transfer;
  private final Supplier<ObjectNode> health;
  private final Handler<RoutingContext> metrics;
  private final Duration defaultGcGrace;
  private volatile byte[] openApi;

  RegistryRoutes(
      CatalogStore catalog,
      JobStore jobs,
      ArtifactStore artifacts,
      BlobCollector collector,
      ArtifactTransfer transfer,
      Supplier<ObjectNode> health,
      Handler<RoutingContext> metrics,
      Duration defaultGcGrace) {
    this.catalog = catalog;
    this.jobs = jobs;
    this.artifacts = artifacts;
    this.collector = collector;
    this.transfer = transfer;
    this.health = health;
    this.metrics = metrics;
    this.defaultGcGrace = defaultGcGrace;
  }

  void setOpenApi(byte[] document) {
    this.openApi = document;
  }

  /** Every route, in matching order. */
  List<RouteSpec> all() {
    List<RouteSpec> r = new ArrayList<>();
    r.add(
        RouteSpec.get("/health", "health")
            .summary("Liveness and readiness: database reachable, events waiting for Kafka")
            .access(Access.OPEN)
            .response(200, "healthy", "Health")
            .response(503, "database unreachable", "Health")
            .json(req -> healthReply()));
    // open like health: scrapers rarely hold tokens, and the series carry counts and route
    // templates only, no names, ids or tokens
    r.add(
        RouteSpec.get("/metrics", "metrics")
            .summary(
                "Prometheus metrics (text format 0.0.4): requests by route, outbox, jobs by state,"
                    + " artifact bytes, database pool")
            .access(Access.OPEN)
            .response(200, "the metrics", "PrometheusText", "text/plain")
            .raw(metrics));
    r.add(
        RouteSpec.get("/openapi.json", "openapi")
            .summary("This API's OpenAPI 3 document")
            .response(200, "the document", "OpenApiDocument")
            .json(req -> ApiReply.ok(RegistryJson.parse(openApi))));
    addModelRoutes(r);
    addVersionRoutes(r);
    addAliasRoutes(r);
    addArtifactRoutes(r);
    addJobRoutes(r);
    r.add(
        RouteSpec.post("/admin/gc", "collectGarbage")
            .summary(
                "Delete artifact blobs no version refers to (older than the grace period) and stale"
                    + " temp files")
            .access(Access.WRITE)
            .jsonBody("GcRequest")
            .response(200, "what was collected", "GcReport")
            .json(this::collectGarbage));
    return r;
  }

  // ------------------------------------------------------------------ models

  private void addModelRoutes(List<RouteSpec> r) {
    r.add(
        RouteSpec.post("/models", "registerModel")
            .summary("Register a model (name, source, task, labels); announces model.created")
            .access(Access.WRITE)
            .jsonBody("NewModel")
            .response(201, "registered", "RegisteredModel")
            .errors(409)
            .json(
                req -> {
                  NewModel m = RegistryJson.readNewModelRequest(req.json());
                  RegisteredModel created = catalog.createModel(m);
                  return ApiReply.created(
                      RegistryJson.model(created), RouteSpec.PREFIX + "/models/" + m.name());
                }));
    r.add(
        RouteSpec.get("/models", "listModels")
            .summary("List and search models, by name")
            .query("q", "string", "substring of the model name")
            .query("task", "string", "exact task")
            .query("limit", "integer", "page size, 1..500, default 50")
            .query("offset", "integer", "items to skip, default 0")
            .response(200, "a page of models", "ModelPage")
            .errors(400)
            .json(
                req -> {
                  ModelQuery q =
                      new ModelQuery(req.query("q"), req.query("task"), limit(req), offset(req));
                  return ApiReply.ok(RegistryJson.page(catalog.listModels(q), RegistryJson::model));
                }));
    r.add(
        RouteSpec.get("/models/{name}", "getModel")
            .summary("A model with its latest version number and aliases")
            .pathParam("name", "string", "model name")
            .response(200, "the model", "RegisteredModel")
            .errors(400, 404)
            .json(req -> ApiReply.ok(RegistryJson.model(catalog.getModel(modelName(req))))));
  }

  // ------------------------------------------------------------------ versions

  private void addVersionRoutes(List<RouteSpec> r) {
    r.add(
        RouteSpec.post("/models/{name}/versions", "createVersion")
            .summary(
                "Register the next version from uploaded artifacts (base, or a variant with"
                    + " parent_version and method); repeat-safe with an idempotency key")
            .access(Access.WRITE)
            .pathParam("name", "string", "model name")
            .header("Idempotency-Key", "same as idempotency_key in the body")
            .jsonBody("NewVersion")
            .response(201, "created", "ModelVersion")
            .response(
                200, "an earlier request with this idempotency key created it", "ModelVersion")
            .errors(404, 422)
            .json(this::createVersion));
    r.add(
        RouteSpec.get("/models/{name}/versions", "listModelVersions")
            .summary("List and search the versions of a model")
            .pathParam("name", "string", "model name")
            .query("method", "string", "compression method (base for base versions)")
            .query("parent", "integer", "versions derived from this version")
            .repeatedQuery("tag", "key:value or key (repeatable; all must match)")
            .query("limit", "integer", "page size, 1..500, default 50")
            .query("offset", "integer", "items to skip, default 0")
            .response(200, "a page of versions", "VersionPage")
            .errors(400, 404)
            .json(req -> listVersions(req, modelName(req))));
    r.add(
        RouteSpec.get("/models/{name}/versions/{version}", "getVersion")
            .summary(
                "A version with its artifacts and its lineage chain (parent, grandparent, ...)")
            .pathParam("name", "string", "model name")
            .pathParam("version", "integer", "version number")
            .response(200, "the version", "ModelVersion")
            .errors(400, 404)
            .json(
                req ->
                    ApiReply.ok(
                        VersionJson.version(
                            catalog.getVersion(modelName(req), versionNumber(req))))));
    r.add(
        RouteSpec.put("/models/{name}/versions/{version}/tags/{key}", "setTag")
            .summary(
                "Set a tag of a version (create or change, e.g. rejected with the reason);"
                    + " announces version.tagged")
            .access(Access.WRITE)
            .pathParam("name", "string", "model name")
            .pathParam("version", "integer", "version number")
            .pathParam("key", "string", "tag key, [A-Za-z0-9._-]{1,128}")
            .jsonBody("SetTag")
            .response(200, "the version with the tag", "ModelVersion")
            .errors(400, 404)
            .json(
                req -> {
                  String model = modelName(req);
                  int version = versionNumber(req);
                  String key = tagKey(req);
                  String value = RegistryJson.readTagRequest(req.json());
                  return ApiReply.ok(
                      VersionJson.version(catalog.setTag(model, version, key, value)));
                }));
    r.add(
        RouteSpec.delete("/models/{name}/versions/{version}/tags/{key}", "deleteTag")
            .summary("Remove a tag of a version; announces version.tagged with a null value")
            .access(Access.WRITE)
            .pathParam("name", "string", "model name")
            .pathParam("version", "integer", "version number")
            .pathParam("key", "string", "tag key")
            .response(204, "removed", null)
            .errors(400, 404)
            .json(
                req -> {
                  catalog.setTag(modelName(req), versionNumber(req), tagKey(req), null);
                  return ApiReply.noContent();
                }));
    r.add(
        RouteSpec.get("/versions", "searchVersions")
            .summary("Search versions across models")
            .query("model", "string", "model name")
            .query("method", "string", "compression method (base for base versions)")
            .query("parent", "integer", "versions derived from this version")
            .repeatedQuery("tag", "key:value or key (repeatable; all must match)")
            .query("limit", "integer", "page size, 1..500, default 50")
            .query("offset", "integer", "items to skip, default 0")
            .response(200, "a page of versions", "VersionPage")
            .errors(400, 404)
            .json(
                req -> {
                  String model = req.query("model");
                  if (model != null) {
                    NameRules.requireName(model, "model", "model name");
                  }
                  return listVersions(req, model);
                }));
    r.add(
        RouteSpec.get("/resolve", "resolve")
            .summary("Resolve a reference: name (champion), name@alias or name:version")
            .requiredQuery("ref", "string", "the model reference")
            .response(200, "the version it means", "ModelVersion")
            .errors(400, 404)
            .json(
                req -> {
                  String text = req.query("ref");
                  if (text == null) {
                    throw RegistryProblem.invalid("ref", "is required");
                  }
                  ModelRef ref;
                  try {
                    ref = ModelRef.parse(text);
                  } catch (IllegalArgumentException e) {
                    throw RegistryProblem.invalid("ref", e.getMessage());
                  }
                  return ApiReply.ok(VersionJson.version(catalog.resolve(ref)));
                }));
  }

  private ApiReply createVersion(ApiRequest req) {
    String model = modelName(req);
    VersionRequest vr = VersionJson.readVersionRequest(req.json());
    VersionSpec spec = vr.spec();
    String headerKey =
        RegistryJson.idempotencyKey(req.header("idempotency-key"), "Idempotency-Key");
    if (headerKey != null) {
      if (spec.idempotencyKey() != null && !spec.idempotencyKey().equals(headerKey)) {
        throw RegistryProblem.invalid(
            "Idempotency-Key", "header and idempotency_key in the body differ");
      }
      spec = spec.withIdempotencyKey(headerKey);
    }
    VersionSpec finalSpec = spec;
    Created<ModelVersion> c =
        artifacts.withBlobsPinned(() -> catalog.createVersion(model, finalSpec, vr.artifacts()));
    ObjectNode body = VersionJson.version(c.value());
    return c.created()
        ? ApiReply.created(
            body, RouteSpec.PREFIX + "/models/" + model + "/versions/" + c.value().version())
        : ApiReply.ok(body);
  }

  private ApiReply listVersions(ApiRequest req, String model) {
    String method = req.query("method");
    if (method != null) {
      NameRules.requireName(method, "method", "method");
    }
    Integer parent = null;
    if (req.query("parent") != null) {
      parent = req.intQuery("parent", 0, 1, Integer.MAX_VALUE);
    }
    List<VersionQuery.TagFilter> tags = new ArrayList<>();
    for (String t : req.queryAll("tag")) {
      tags.add(VersionQuery.TagFilter.parse(t));
    }
    VersionQuery q = new VersionQuery(model, method, parent, tags, limit(req), offset(req));
    return ApiReply.ok(RegistryJson.page(catalog.listVersions(q), VersionJson::version));
  }

  // ------------------------------------------------------------------ aliases

  private void addAliasRoutes(List<RouteSpec> r) {
    r.add(
        RouteSpec.get("/models/{name}/aliases", "listAliases")
            .summary("Every alias of a model")
            .pathParam("name", "string", "model name")
            .response(200, "the aliases", "AliasList")
            .errors(400, 404)
            .json(
                req -> {
                  ObjectNode o = RegistryJson.mapper().createObjectNode();
                  ArrayNode items = o.putArray("items");
                  catalog
                      .listAliases(modelName(req))
                      .forEach(a -> items.add(RegistryJson.alias(a)));
                  return ApiReply.ok(o);
                }));
    r.add(
        RouteSpec.get("/models/{name}/aliases/{alias}", "getAlias")
            .summary("The version an alias points to")
            .pathParam("name", "string", "model name")
            .pathParam("alias", "string", "alias, e.g. champion, challenger, shadow")
            .response(200, "the alias", "AliasBinding")
            .errors(400, 404)
            .json(
                req ->
                    ApiReply.ok(
                        RegistryJson.alias(catalog.getAlias(modelName(req), aliasName(req))))));
    r.add(
        RouteSpec.put("/models/{name}/aliases/{alias}", "setAlias")
            .summary("Point an alias at a version (create or move); announces alias.moved")
            .access(Access.WRITE)
            .pathParam("name", "string", "model name")
            .pathParam("alias", "string", "alias, e.g. champion, challenger, shadow")
            .jsonBody("SetAlias")
            .response(200, "the alias as set", "AliasBinding")
            .errors(404, 422)
            .json(
                req -> {
                  String model = modelName(req);
                  String alias = aliasName(req);
                  int version = RegistryJson.readAliasRequest(req.json());
                  return ApiReply.ok(RegistryJson.alias(catalog.setAlias(model, alias, version)));
                }));
    r.add(
        RouteSpec.delete("/models/{name}/aliases/{alias}", "deleteAlias")
            .summary("Remove an alias; announces alias.deleted")
            .access(Access.WRITE)
            .pathParam("name", "string", "model name")
            .pathParam("alias", "string", "alias")
            .response(204, "removed", null)
            .errors(400, 404)
            .json(
                req -> {
                  catalog.deleteAlias(modelName(req), aliasName(req));
                  return ApiReply.noContent();
                }));
  }

  // ------------------------------------------------------------------ artifacts

  private void addArtifactRoutes(List<RouteSpec> r) {
    r.add(
        RouteSpec.post("/artifacts", "uploadArtifact")
            .summary(
                "Upload a blob (raw body, any transfer encoding). Stored under its sha256 once"
                    + " verified; a declared X-Content-SHA256 that does not match is refused (422)")
            .access(Access.WRITE)
            .header(ArtifactTransfer.SHA_HEADER, "the sha256 the content must have")
            .streamBody()
            .response(201, "stored", "StoredBlob")
            .response(200, "already stored (deduplicated)", "StoredBlob")
            .errors(400, 422)
            .raw(transfer::upload));
    r.add(
        RouteSpec.get("/artifacts/{sha256}", "downloadArtifact")
            .summary(
                "Download a blob; ETag is its sha256; single byte ranges answered with 206."
                    + " Verified against its sha256 while it is served")
            .pathParam("sha256", "string", "the blob's sha256 (64 hex digits)")
            .header("Range", "bytes=a-b, bytes=a- or bytes=-n")
            .header("If-Range", "the ETag the client's partial copy has")
            .header("If-None-Match", "the ETag the client has")
            .response(200, "the blob", "Binary", "application/octet-stream")
            .response(206, "the requested range", "Binary", "application/octet-stream")
            .response(304, "not modified", null)
            .errors(400, 404, 416)
            .raw(transfer::download));
    r.add(
        RouteSpec.head("/artifacts/{sha256}", "headArtifact")
            .summary("Whether a blob is stored, and its size (Content-Length)")
            .pathParam("sha256", "string", "the blob's sha256 (64 hex digits)")
            .response(200, "stored", null)
            .errors(400, 404)
            .raw(transfer::download));
  }

  // ------------------------------------------------------------------ jobs

  private void addJobRoutes(List<RouteSpec> r) {
    r.add(
        RouteSpec.post("/jobs", "createJob")
            .summary(
                "Create a compression job (pending); repeat-safe with an idempotency key;"
                    + " announces job.created")
            .access(Access.WRITE)
            .jsonBody("NewJob")
            .response(201, "created", "Job")
            .response(200, "an earlier request with this idempotency key created it", "Job")
            .errors(409, 422)
            .json(
                req -> {
                  NewJob j = JobJson.readNewJobRequest(req.json());
                  Created<Job> c = jobs.create(j);
                  ObjectNode body = JobJson.job(c.value());
                  return c.created()
                      ? ApiReply.created(body, RouteSpec.PREFIX + "/jobs/" + c.value().id())
                      : ApiReply.ok(body);
                }));
    r.add(
        RouteSpec.get("/jobs", "listJobs")
            .summary("List jobs, oldest first")
            .query("state", "string", "pending, claimed, finished or failed")
            .query("model", "string", "model name")
            .query("version", "integer", "version number")
            .query("method", "string", "compression method")
            .query("worker_id", "string", "the worker that claimed it")
            .query("limit", "integer", "page size, 1..500, default 50")
            .query("offset", "integer", "items to skip, default 0")
            .response(200, "a page of jobs", "JobPage")
            .errors(400)
            .json(this::listJobs));
    r.add(
        RouteSpec.get("/jobs/{id}", "getJob")
            .summary("A job")
            .pathParam("id", "string", "job id")
            .response(200, "the job", "Job")
            .errors(404)
            .json(req -> ApiReply.ok(JobJson.job(jobs.get(req.path("id"))))));
    r.add(
        RouteSpec.post("/jobs/claim", "claimJob")
            .summary(
                "Claim the oldest pending job, or a claimed job whose lease expired; announces"
                    + " job.claimed")
            .access(Access.WRITE)
            .jsonBody("ClaimRequest")
            .response(200, "the claimed job", "Job")
            .response(204, "no job to claim", null)
            .json(this::claim));
    r.add(
        RouteSpec.post("/jobs/{id}/progress", "reportProgress")
            .summary("Report progress (0..1 and a message); renews the lease")
            .access(Access.WRITE)
            .pathParam("id", "string", "job id")
            .jsonBody("ProgressRequest")
            .response(200, "the job", "Job")
            .errors(404, 409)
            .json(
                req -> {
                  JobJson.ProgressRequest p = JobJson.readProgressRequest(req.json());
                  return ApiReply.ok(
                      JobJson.job(
                          jobs.progress(req.path("id"), p.workerId(), p.progress(), p.message())));
                }));
    r.add(
        RouteSpec.post("/jobs/{id}/finish", "finishJob")
            .summary(
                "Finish a job with its result (e.g. the version it registered); announces job.finished")
            .access(Access.WRITE)
            .pathParam("id", "string", "job id")
            .jsonBody("FinishRequest")
            .response(200, "the finished job", "Job")
            .errors(404, 409)
            .json(
                req -> {
                  JobJson.FinishRequest f = JobJson.readFinishRequest(req.json());
                  return ApiReply.ok(
                      JobJson.job(jobs.finish(req.path("id"), f.workerId(), f.result())));
                }));
    r.add(
        RouteSpec.post("/jobs/{id}/fail", "failJob")
            .summary("Fail a job with a reason; announces job.failed")
            .access(Access.WRITE)
            .pathParam("id", "string", "job id")
            .jsonBody("FailRequest")
            .response(200, "the failed job", "Job")
            .errors(404, 409)
            .json(
                req -> {
                  JobJson.FailRequest f = JobJson.readFailRequest(req.json());
                  return ApiReply.ok(
                      JobJson.job(jobs.fail(req.path("id"), f.workerId(), f.error())));
                }));
  }

  private ApiReply listJobs(ApiRequest req) {
    String stateName = req.query("state");
    JobState state = null;
    if (stateName != null) {
      state =
          JobState.fromWire(stateName)
              .orElseThrow(
                  () ->
                      RegistryProblem.invalid(
                          "state",
                          "unknown state '" + stateName + "' (pending|claimed|finished|failed)"));
    }
    String model = req.query("model");
    if (model != null) {
      NameRules.requireName(model, "model", "model name");
    }
    Integer version = null;
    if (req.query("version") != null) {
      version = req.intQuery("version", 0, 1, Integer.MAX_VALUE);
    }
    JobQuery q =
        new JobQuery(
            state,
            model,
            version,
            req.query("method"),
            req.query("worker_id"),
            limit(req),
            offset(req));
    Page<Job> page = jobs.list(q);
    return ApiReply.ok(RegistryJson.page(page, JobJson::job));
  }

  private ApiReply claim(ApiRequest req) {
    JobJson.ClaimRequest claim = JobJson.readClaimRequest(req.json());
    String worker = claim.workerId();
    Integer lease = claim.leaseSeconds();
    if (lease != null && (lease < 1 || lease > 86_400)) {
      throw RegistryProblem.invalid("lease_seconds", "must be between 1 and 86400");
    }
    Set<String> methods = new LinkedHashSet<>();
    List<String> given = claim.methods();
    for (int i = 0; i < given.size(); i++) {
      methods.add(NameRules.requireName(given.get(i), "methods[" + i + "]", "method"));
    }
    Optional<Job> job =
        jobs.claim(
            worker, Duration.ofSeconds(lease == null ? DEFAULT_LEASE_SECONDS : lease), methods);
    return job.map(j -> ApiReply.ok(JobJson.job(j))).orElseGet(ApiReply::noContent);
  }

  // ------------------------------------------------------------------ admin

  private ApiReply collectGarbage(ApiRequest req) {
    Duration grace = defaultGcGrace;
    boolean dryRun = false;
    if (req.body().length > 0) {
      JobJson.GcRequest gc = JobJson.readGcRequest(req.json());
      Long seconds = gc.graceSeconds();
      if (seconds != null) {
        if (seconds < 0) {
          throw RegistryProblem.invalid("grace_seconds", "must be >= 0");
        }
        grace = Duration.ofSeconds(seconds);
      }
      dryRun = Boolean.TRUE.equals(gc.dryRun());
    }
    BlobCollector.Report report = collector.collect(grace, dryRun);
    ObjectNode o = RegistryJson.mapper().createObjectNode();
    o.put("blobs_scanned", report.blobsScanned());
    o.put("blobs_referenced", report.blobsReferenced());
    o.put("blobs_deleted", report.blobsDeleted());
    o.put("bytes_freed", report.bytesFreed());
    o.put("blobs_kept_recent", report.blobsKeptRecent());
    o.put("temp_files_deleted", report.tempFilesDeleted());
    o.put("dry_run", report.dryRun());
    return ApiReply.ok(o);
  }

  private ApiReply healthReply() {
    ObjectNode h = health.get();
    boolean ok = "ok".equals(h.path("status").asText());
    return new ApiReply(ok ? 200 : 503, h, Map.of());
  }

  // ------------------------------------------------------------------ parameters

  private static String modelName(ApiRequest req) {
    return NameRules.requireName(req.path("name"), "name", "model name");
  }

  private static String aliasName(ApiRequest req) {
    return NameRules.requireName(req.path("alias"), "alias", "alias");
  }

  private static String tagKey(ApiRequest req) {
    return NameRules.requireTagKey(req.path("key"), "key");
  }

  private static int versionNumber(ApiRequest req) {
    String v = req.path("version");
    if (!v.matches("[0-9]{1,9}") || Integer.parseInt(v) < 1) {
      throw RegistryProblem.invalid(
          "version", "version must be a positive integer, was '" + v + "'");
    }
    return Integer.parseInt(v);
  }

  private static int limit(ApiRequest req) {
    return req.intQuery("limit", Page.DEFAULT_LIMIT, 1, Page.MAX_LIMIT);
  }

  private static int offset(ApiRequest req) {
    return req.intQuery("offset", 0, 0, Integer.MAX_VALUE);
  }
}
