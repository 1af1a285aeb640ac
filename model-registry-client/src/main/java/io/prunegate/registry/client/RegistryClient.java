package io.prunegate.registry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.prunegate.events.ModelRef;
import io.prunegate.registry.AliasBinding;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.Job;
import io.prunegate.registry.JobQuery;
import io.prunegate.registry.ModelQuery;
import io.prunegate.registry.ModelVersion;
import io.prunegate.registry.NameRules;
import io.prunegate.registry.NewJob;
import io.prunegate.registry.NewModel;
import io.prunegate.registry.Page;
import io.prunegate.registry.RegisteredModel;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.VersionQuery;
import io.prunegate.registry.VersionSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
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

  private final RegistryClientConfig config;
  private final HttpClient http;
  private final Retry retry;

  public RegistryClient(RegistryClientConfig config) {
    this.config = config;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.retry =
        Retry.of(
            "registry-client",
            RetryConfig.custom()
                .maxAttempts(config.retryAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(
                        config.retryBackoff(), 2.0, config.maxRetryBackoff()))
                .retryOnException(RegistryClient::isRetryable)
                .build());
  }

  /** A client with default timeouts and retries. */
  public static RegistryClient create(String baseUrl, String token) {
    return new RegistryClient(RegistryClientConfig.of(baseUrl, token));
  }

  public RegistryClientConfig config() {
    return config;
  }

  /** Calls made and retried so far (Resilience4j metrics). */
  public Retry.Metrics retryMetrics() {
    return retry.getMetrics();
  }

  private static boolean isRetryable(Throwable t) {
    return t instanceof IOException || (t instanceof RegistryException r && r.isRetryable());
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
            RegistryJson.versionRequest(keyed, artifacts),
            Map.of());
    ModelVersion v = RegistryJson.readVersion(body);
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
    return RegistryJson.readVersion(
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
    return RegistryJson.readPage(send("GET", path + q, null, Map.of()), RegistryJson::readVersion);
  }

  /**
   * The version {@code ref} means: {@code name:version}, {@code name@alias}, or name = champion.
   */
  public ModelVersion resolve(ModelRef ref) {
    StringBuilder q = new StringBuilder();
    param(q, "ref", ref.toString());
    return RegistryJson.readVersion(send("GET", "/resolve" + q, null, Map.of()));
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
    String sha = NameRules.requireSha256(sha256, "sha256");
    return call(
        "HEAD artifact " + sha,
        () -> {
          HttpResponse<Void> resp =
              http.send(
                  request("/artifacts/" + sha, config.requestTimeout())
                      .method("HEAD", HttpRequest.BodyPublishers.noBody())
                      .build(),
                  HttpResponse.BodyHandlers.discarding());
          if (resp.statusCode() == 200) {
            return true;
          }
          if (resp.statusCode() == 404) {
            return false;
          }
          throw new RegistryException(resp.statusCode(), "HEAD artifact failed", null);
        });
  }

  /**
   * Uploads a file as a blob (unless the registry has it already) with its sha256 declared, and
   * returns it as an artifact named after the file.
   */
  public Artifact uploadArtifact(Path file) {
    String sha;
    long size;
    try {
      sha = Sha256.of(file);
      size = Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Artifact artifact = new Artifact(file.getFileName().toString(), sha, size);
    if (hasArtifact(sha)) {
      LOG.debug("artifact already stored sha256={} file={}", sha, file);
      return artifact;
    }
    call(
        "upload " + file,
        () -> {
          HttpRequest req =
              request("/artifacts", config.transferTimeout())
                  .header("Content-Type", "application/octet-stream")
                  .header("X-Content-SHA256", sha)
                  .expectContinue(true)
                  .POST(HttpRequest.BodyPublishers.ofFile(file))
                  .build();
          HttpResponse<byte[]> resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
          checkStatus(resp.statusCode(), resp.body());
          return null;
        });
    return artifact;
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
    Path dir = cacheDir.resolve(version.model()).resolve(String.valueOf(version.version()));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create cache directory " + dir, e);
    }
    List<DownloadedVersion.FileDownload> files = new ArrayList<>();
    try (CacheLock lock = CacheLock.acquire(dir)) {
      for (Artifact a : version.artifacts()) {
        if (!NameRules.isValidArtifactName(a.name())) {
          // never trust a name enough to build a path from it unchecked
          throw new IllegalStateException("registry sent an invalid artifact name " + a.name());
        }
        files.add(fetch(a, dir.resolve(a.name())));
      }
    }
    long bytes = files.stream().mapToLong(DownloadedVersion.FileDownload::bytesTransferred).sum();
    LOG.info(
        "downloaded version model={} version={} files={} bytes={} dir={}",
        version.model(),
        version.version(),
        files.size(),
        bytes,
        dir);
    return new DownloadedVersion(version, dir, files);
  }

  /** Downloads one artifact to {@code target} (resumable, verified); see {@link #download}. */
  public DownloadedVersion.FileDownload downloadArtifact(Artifact artifact, Path target) {
    return fetch(artifact, target);
  }

  private DownloadedVersion.FileDownload fetch(Artifact a, Path target) {
    DownloadedVersion.Outcome outcome = DownloadedVersion.Outcome.DOWNLOADED;
    try {
      if (Files.exists(target)) {
        if (Files.size(target) == a.size() && Sha256.of(target).equals(a.sha256())) {
          return new DownloadedVersion.FileDownload(
              a.name(), target, DownloadedVersion.Outcome.CACHED, 0);
        }
        LOG.warn(
            "cached artifact failed verification, downloading it again file={} sha256={}",
            target,
            a.sha256());
        Files.delete(target);
        outcome = DownloadedVersion.Outcome.REPLACED_CORRUPT;
      }
      Path part = target.resolveSibling(target.getFileName() + ".part");
      Transfer transfer = new Transfer();
      call("download " + a.name(), () -> transferOnce(a, part, transfer));
      String actual = Sha256.of(part);
      if (!actual.equals(a.sha256())) {
        Files.deleteIfExists(part);
        throw new ArtifactVerificationException(target, a.sha256(), actual);
      }
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      if (transfer.resumed && outcome == DownloadedVersion.Outcome.DOWNLOADED) {
        outcome = DownloadedVersion.Outcome.RESUMED;
      }
      long transferred = transfer.received;
      return new DownloadedVersion.FileDownload(a.name(), target, outcome, transferred);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    } catch (RegistryException e) {
      throw new RegistryException(
          e.status(),
          "artifact " + target + " (sha256 " + a.sha256() + "): " + e.error(),
          e.field());
    }
  }

  /** What the attempts of one file download did: bytes received, and whether one resumed. */
  private static final class Transfer {
    long received;
    boolean resumed;
  }

  /**
   * One attempt: asks for the bytes after what {@code part} holds (all of them when it is empty)
   * and appends them. A broken transfer throws {@link IOException}, so the retry resumes from the
   * new length.
   */
  private Void transferOnce(Artifact a, Path part, Transfer transfer)
      throws IOException, InterruptedException {
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (have > a.size()) {
      Files.delete(part);
      have = 0;
    }
    if (have == a.size() && have > 0) {
      return null;
    }
    HttpRequest.Builder b = request("/artifacts/" + a.sha256(), config.transferTimeout()).GET();
    if (have > 0) {
      b.header("Range", "bytes=" + have + "-");
      b.header("If-Range", "\"" + a.sha256() + "\"");
    }
    HttpResponse<InputStream> resp =
        http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    int status = resp.statusCode();
    try (InputStream in = resp.body()) {
      boolean append;
      if (status == 206) {
        String range = resp.headers().firstValue("Content-Range").orElse("");
        if (!range.startsWith("bytes " + have + "-")) {
          throw new IOException("unexpected Content-Range '" + range + "' for offset " + have);
        }
        append = true;
        transfer.resumed = true;
      } else if (status == 200) {
        append = false;
      } else if (status == 416) {
        Files.deleteIfExists(part);
        throw new IOException("range not satisfiable at offset " + have + "; starting over");
      } else {
        checkStatus(status, in.readAllBytes());
        throw new IOException("unexpected status " + status);
      }
      long received = 0;
      try (OutputStream out =
          Files.newOutputStream(
              part,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) {
          out.write(buf, 0, n);
          received += n;
          transfer.received += n;
        }
      }
      long total = (append ? have : 0) + received;
      if (total != a.size()) {
        throw new IOException(
            "transfer of " + a.name() + " ended at " + total + " of " + a.size() + " bytes");
      }
      return null;
    }
  }

  // ------------------------------------------------------------------ jobs

  /** Creates a job; with an idempotency key used before, returns that job. */
  public Job createJob(NewJob job) {
    return RegistryJson.readJob(send("POST", "/jobs", RegistryJson.newJobRequest(job), Map.of()));
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
    return reply == null ? Optional.empty() : Optional.of(RegistryJson.readJob(reply));
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
    return RegistryJson.readJob(
        send("POST", "/jobs/" + encode(jobId) + "/progress", body, Map.of()));
  }

  /** Finishes a job with its result (e.g. {@code {"version": 4}}). Safe to repeat. */
  public Job finishJob(String jobId, String workerId, Map<String, Object> result) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.set("result", RegistryJson.toTree(result));
    return RegistryJson.readJob(send("POST", "/jobs/" + encode(jobId) + "/finish", body, Map.of()));
  }

  /** Fails a job with a reason. Safe to repeat. */
  public Job failJob(String jobId, String workerId, String reason) {
    ObjectNode body = RegistryJson.mapper().createObjectNode();
    body.put("worker_id", workerId);
    body.put("error", reason);
    return RegistryJson.readJob(send("POST", "/jobs/" + encode(jobId) + "/fail", body, Map.of()));
  }

  /** The job; 404 when there is none. */
  public Job getJob(String jobId) {
    return RegistryJson.readJob(send("GET", "/jobs/" + encode(jobId), null, Map.of()));
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
    return RegistryJson.readPage(send("GET", "/jobs" + q, null, Map.of()), RegistryJson::readJob);
  }

  // ------------------------------------------------------------------ plumbing

  /** One JSON call with retries; the parsed answer, or null for 204. */
  private JsonNode send(String method, String path, JsonNode body, Map<String, String> headers) {
    return call(
        method + " " + path,
        () -> {
          HttpRequest.Builder b = request(path, config.requestTimeout());
          headers.forEach(b::header);
          if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(RegistryJson.write(body)));
          } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
          }
          HttpResponse<byte[]> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
          checkStatus(resp.statusCode(), resp.body());
          if (resp.statusCode() == 204 || resp.body().length == 0) {
            return null;
          }
          return RegistryJson.parse(resp.body());
        });
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(config.baseUrl() + API + path)).timeout(timeout);
    if (config.token() != null) {
      b.header("Authorization", "Bearer " + config.token());
    }
    return b;
  }

  private static void checkStatus(int status, byte[] body) {
    if (status < 400) {
      return;
    }
    String error = "HTTP " + status;
    String field = null;
    try {
      JsonNode n = RegistryJson.parse(body);
      if (n.hasNonNull("error")) {
        error = n.get("error").asText();
      }
      if (n.hasNonNull("field")) {
        field = n.get("field").asText();
      }
    } catch (RegistryProblem e) {
      if (body != null && body.length > 0) {
        error = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
      }
    }
    throw new RegistryException(status, error, field);
  }

  private <T> T call(String what, Callable<T> attempt) {
    try {
      return retry.executeCallable(attempt);
    } catch (RegistryException | ArtifactVerificationException e) {
      throw e;
    } catch (IOException e) {
      throw new RegistryUnavailableException(
          what
              + ": registry at "
              + config.baseUrl()
              + " failed after "
              + config.retryAttempts()
              + " attempts: "
              + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException(what + ": interrupted", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(what + " failed", e);
    }
  }

  private static void param(StringBuilder q, String name, Object value) {
    if (value == null) {
      return;
    }
    q.append(q.length() == 0 ? '?' : '&')
        .append(name)
        .append('=')
        .append(encode(String.valueOf(value)));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
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
