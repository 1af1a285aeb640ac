package io.prunegate.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.retry.Retry;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobJson;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NameRules;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.VersionJson;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocking Java client of the model registry, used by the gateway and the pruner. Built on {@code
 * java.net.http.HttpClient} (no Vert.x needed by callers); every call has a timeout and is retried
 * by Resilience4j on connect errors, timeouts, broken transfers and 5xx answers (never on 4xx,
 * which surface at once as {@link RegistryException} with the server's status, {@code error} and
 * {@code field}). Creating a version is safe to retry: the client sends an idempotency key (its own
 * UUID unless the caller gives one). Downloads go to a local cache ({@code
 * <cache>/<model>/<version>/<file>}), resume partial files with HTTP range requests, verify every
 * file's sha256 and skip files already present and verified.
 *
 * <p>Thread-safe; share one instance.
 */
public final class RegistryClient {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);
  private static final String API = "/api/v1";

  private final RegistryHttp http;
  private final ArtifactTransfers artifacts;

  public RegistryClient(RegistryClientConfig config) {
    this.http = new RegistryHttp(config);
    this.artifacts = new ArtifactTransfers(http);
  }

  /** A client with default timeouts and retries. */
  public static RegistryClient create(String baseUrl, String token) {
    return new RegistryClient(RegistryClientConfig.of(baseUrl, token));
  }

  public RegistryClientConfig config() {
    return http.config();
  }

  /** Calls made and retried so far (Resilience4j metrics). */
  public Retry.Metrics retryMetrics() {
    return http.retryMetrics();
  }

  // ------------------------------------------------------------------ models

  /** Registers a model; 409 ({@link RegistryException}) when the name is taken. */
  public RegisteredModel registerModel(NewModel model) {
    requireName(model.name(), "model name");
    JsonNode body = send("POST", "/models", RegistryJson.newModelRequest(model), Map.of());
    return RegistryJson.readModel(body);
  }

  /** Registers a model, or returns the existing one of that name. */
  public RegisteredModel ensureModel(NewModel model) {
    try {
      return registerModel(model);
    } catch (RegistryException e) {
      if (e.status() == 409) {
        return getModel(model.name());
      }
      throw e;
    }
  }

  /** The model; 404 when there is none. */
  public RegisteredModel getModel(String name) {
    requireName(name, "model name");
    return RegistryJson.readModel(send("GET", "/models/" + name, null, Map.of()));
  }

  /** A page of models matching the query. */
  public Page<RegisteredModel> listModels(ModelQuery query) {
    StringBuilder q = new StringBuilder();
    param(q, "q", query.text());
    param(q, "task", query.task());
    param(q, "limit", query.limit());
    param(q, "offset", query.offset());
    return RegistryJson.readPage(
        send("GET", "/models" + q, null, Map.of()), RegistryJson::readModel);
  }

  // ------------------------------------------------------------------ versions

  /**
   * Creates a version of {@code model} from every regular file directly in {@code directory}
   * (hidden files skipped): computes each file's sha256, uploads the blobs the registry does not
   * have yet, then registers the version with {@code spec}. Safe to repeat with the same
   * idempotency key; without one, retries within this call are still safe.
   */
  public ModelVersion createVersion(String model, Path directory, VersionSpec spec) {
    requireName(model, "model name");
    List<Path> files = artifactFiles(directory);
    List<Artifact> artifacts = new ArrayList<>(files.size());
    for (Path f : files) {
      artifacts.add(uploadArtifact(f));
    }
    VersionSpec keyed =
        spec.idempotencyKey() != null
            ? spec
            : spec.withIdempotencyKey(UUID.randomUUID().toString());
    JsonNode body =
        send(
            "POST",
            "/models/" + model + "/versions",
            VersionJson.versionRequest(keyed, artifacts),
            Map.of());
    ModelVersion v = VersionJson.readVersion(body);
    LOG.info(
        "registered version model={} version={} method={} files={}",
        v.model(),
        v.version(),
        v.method(),
        artifacts.size());
    return v;
  }

  private static List<Path> artifactFiles(Path directory) {
    List<Path> files;
    try (Stream<Path> s = Files.list(directory)) {
      files =
          s.filter(Files::isRegularFile)
              .filter(p -> !p.getFileName().toString().startsWith("."))
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to upload in " + directory);
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      if (!NameRules.isValidArtifactName(name)) {
        throw new IllegalArgumentException(
            "file "
                + f
                + " cannot be an artifact: names must match "
                + ModelRef.NAME.pattern()
                + " without '..'");
      }
    }
    return files;
  }

  /** The version with its lineage chain; 404 when there is none. */
  public ModelVersion getVersion(String model, int version) {
    requireName(model, "model name");
    return VersionJson.readVersion(
        send("GET", "/models/" + model + "/versions/" + version, null, Map.of()));
  }

  /** A page of versions matching the query (across models when it names none). */
  public Page<ModelVersion> listVersions(VersionQuery query) {
    StringBuilder q = new StringBuilder();
    String path;
    if (query.model() != null) {
      requireName(query.model(), "model name");
      path = "/models/" + query.model() + "/versions";
    } else {
      path = "/versions";
    }
    param(q, "method", query.method());
    param(q, "parent", query.parentVersion());
    for (VersionQuery.TagFilter t : query.tags()) {
      param(q, "tag", t.format());
    }
    param(q, "limit", query.limit());
    param(q, "offset", query.offset());
    return RegistryJson.readPage(send("GET", path + q, null, Map.of()), VersionJson::readVersion);
  }

  /** Sets tag {@code key} of a version to {@code value}; returns the version as it is now. */
  public ModelVersion setTag(String model, int version, String key, String value) {
    requireName(model, "model name");
    requireTagKey(key);
    if (value == null || value.length() > NameRules.MAX_TAG_VALUE) {
      throw new IllegalArgumentException(
          "tag value must be a string of at most " + NameRules.MAX_TAG_VALUE + " chars");
    }
    return VersionJson.readVersion(
        send(
            "PUT",
            "/models/" + model + "/versions/" + version + "/tags/" + key,
            RegistryJson.tagRequest(value),
            Map.of()));
  }

  /** Removes tag {@code key} of a version; 404 when the version does not have it. */
  public void deleteTag(String model, int version, String key) {
    requireName(model, "model name");
    requireTagKey(key);
    send("DELETE", "/models/" + model + "/versions/" + version + "/tags/" + key, null, Map.of());
  }

  /**
   * The version {@code ref} means: {@code name:version}, {@code name@alias}, or name = champion.
   */
  public ModelVersion resolve(ModelRef ref) {
    StringBuilder q = new StringBuilder();
    param(q, "ref", ref.toString());
    return VersionJson.readVersion(send("GET", "/resolve" + q, null, Map.of()));
  }

  /** Parses and resolves a reference ({@code name}, {@code name@alias}, {@code name:version}). */
  public ModelVersion resolve(String ref) {
    return resolve(ModelRef.parse(ref));
  }

  // ------------------------------------------------------------------ aliases

  /** Points {@code alias} at {@code version}. */
  public AliasBinding setAlias(String model, String alias, int version) {
    requireName(model, "model name");
    requireName(alias, "alias");
    ObjectNode body = RegistryJson.mapper().createObjectNode().put("version", version);
    return RegistryJson.readAlias(
        send("PUT", "/models/" + model + "/aliases/" + alias, body, Map.of()));
  }

  /** Removes an alias; 404 when it does not exist. */
  public void deleteAlias(String model, String alias) {
    requireName(model, "model name");
    requireName(alias, "alias");
    send("DELETE", "/models/" + model + "/aliases/" + alias, null, Map.of());
  }

  /** The alias; 404 when it does not exist. */
  public AliasBinding getAlias(String model, String alias) {
    requireName(model, "model name");
    requireName(alias, "alias");
    return RegistryJson.readAlias(
        send("GET", "/models/" + model + "/aliases/" + alias, null, Map.of()));
  }

  /** Every alias of a model. */
  public List<AliasBinding> listAliases(String model) {
    requireName(model, "model name");
    JsonNode body = send("GET", "/models/" + model + "/aliases", null, Map.of());
    List<AliasBinding> out = new ArrayList<>();
    body.path("items").forEach(n -> out.add(RegistryJson.readAlias(n)));
    return out;
  }

  // ------------------------------------------------------------------ artifacts

  /** True when the registry stores a blob with this sha256. */
  public boolean hasArtifact(String sha256) {
    return artifacts.hasArtifact(sha256);
  }

  /**
   * Uploads a file as a blob (unless the registry has it already) with its sha256 declared, and
   * returns it as an artifact named after the file.
   */
  public Artifact uploadArtifact(Path file) {
    return artifacts.uploadArtifact(file);
  }

  /** Resolves {@code ref} and downloads that version into {@code cacheDir}. */
  public DownloadedVersion download(ModelRef ref, Path cacheDir) {
    return download(resolve(ref), cacheDir);
  }

  /** Downloads {@code model:version} into {@code cacheDir}. */
  public DownloadedVersion download(String model, int version, Path cacheDir) {
    return download(getVersion(model, version), cacheDir);
  }

  /**
   * Downloads every artifact of {@code version} into {@code <cacheDir>/<model>/<version>/}. Files
   * already there and verified are skipped; a cached file that fails verification is downloaded
   * again; a partial file ({@code <name>.part}) left by an interrupted download is resumed with a
   * range request. Every file is verified by sha256 before it takes its final name; one that fails
   * is deleted and the call throws {@link ArtifactVerificationException} naming it.
   */
  public DownloadedVersion download(ModelVersion version, Path cacheDir) {
    return artifacts.download(version, cacheDir);
  }

  /** Downloads one artifact to {@code target} (resumable, verified); see {@link #download}. */
  public DownloadedVersion.FileDownload downloadArtifact(Artifact artifact, Path target) {
    return artifacts.fetch(artifact, target);
  }

  // ------------------------------------------------------------------ jobs

  /** Creates a job; with an idempotency key used before, returns that job. */
  public Job createJob(NewJob job) {
    return JobJson.readJob(send("POST", "/jobs", JobJson.newJobRequest(job), Map.of()));
  }

  /**
   * Claims the oldest pending job (or one whose lease expired) for {@code workerId} with a lease of
   * {@code lease}, optionally only of the given methods; empty when there is none.
   */
  public Optional<Job> claimJob(String workerId, Duration lease, Set<String> methods) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.put("lease_seconds", Math.max(1, lease.toSeconds()));
    ArrayNode m = body.putArray("methods");
    methods.forEach(m::add);
    JsonNode reply = send("POST", "/jobs/claim", body, Map.of());
    return reply == null ? Optional.empty() : Optional.of(JobJson.readJob(reply));
  }

  /** Claims a job of any method; see {@link #claimJob(String, Duration, Set)}. */
  public Optional<Job> claimJob(String workerId, Duration lease) {
    return claimJob(workerId, lease, Set.of());
  }

  /** Reports progress (0..1) and a message; renews the lease. 409 if the job is not ours. */
  public Job reportProgress(String jobId, String workerId, double progress, String message) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.put("progress", progress);
    body.put("message", message);
    return JobJson.readJob(send("POST", "/jobs/" + encode(jobId) + "/progress", body, Map.of()));
  }

  /** Finishes a job with its result (e.g. {@code {"version": 4}}). Safe to repeat. */
  public Job finishJob(String jobId, String workerId, Map<String, Object> result) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.set("result", RegistryJson.toTree(result));
    return JobJson.readJob(send("POST", "/jobs/" + encode(jobId) + "/finish", body, Map.of()));
  }

  /** Fails a job with a reason. Safe to repeat. */
  public Job failJob(String jobId, String workerId, String reason) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.put("error", reason);
    return JobJson.readJob(send("POST", "/jobs/" + encode(jobId) + "/fail", body, Map.of()));
  }

  /** The job; 404 when there is none. */
  public Job getJob(String jobId) {
    return JobJson.readJob(send("GET", "/jobs/" + encode(jobId), null, Map.of()));
  }

  /** A page of jobs matching the query, oldest first. */
  public Page<Job> listJobs(JobQuery query) {
    StringBuilder q = new StringBuilder();
    param(q, "state", query.state() == null ? null : query.state().wireName());
    param(q, "model", query.model());
    param(q, "version", query.version());
    param(q, "method", query.method());
    param(q, "worker_id", query.workerId());
    param(q, "limit", query.limit());
    param(q, "offset", query.offset());
    return RegistryJson.readPage(send("GET", "/jobs" + q, null, Map.of()), JobJson::readJob);
  }

  // ------------------------------------------------------------------ plumbing

  private JsonNode send(String method, String path, JsonNode body, Map<String, String> headers) {
    return http.send(method, path, body, headers);
  }

  private static void param(StringBuilder q, String name, Object value) {
    RegistryHttp.param(q, name, value);
  }

  private static String encode(String s) {
    return RegistryHttp.encode(s);
  }

  private static void requireTagKey(String key) {
    if (key == null || !NameRules.TAG_KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "invalid tag key "
              + NameRules.quote(key)
              + ": must match "
              + NameRules.TAG_KEY.pattern());
    }
  }

  private static void requireName(String name, String what) {
    if (!NameRules.isValidName(name)) {
      throw new IllegalArgumentException(
          "invalid "
              + what
              + " "
              + NameRules.quote(name)
              + ": must match "
              + ModelRef.NAME.pattern());
    }
  }
}
