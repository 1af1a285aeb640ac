package io.prunegate.registry.api;

import io.prunegate.registry.NameRules;
import io.prunegate.registry.RegistryJson;
import io.prunegate.registry.RegistryProblem;
import io.prunegate.registry.Sha256;
import io.prunegate.registry.artifacts.ArtifactStore;
import io.prunegate.registry.artifacts.StoredBlob;
import io.prunegate.registry.metrics.RegistryMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams artifacts in and out without buffering them in memory. Uploads are hashed while they are
 * written to a temp file, refused past the size limit (413), and committed to the store only when
 * the digest matches the declared {@code X-Content-SHA256} (else 422, nothing stored). Downloads
 * are re-verified: a full download is hashed while it streams and the last chunk is held back until
 * the digest matches (on a mismatch the connection is cut, so the client never receives a complete
 * corrupt file); a range request verifies the whole blob before sending the range. {@code ETag} is
 * the sha256; single byte ranges ({@code bytes=a-b}, {@code a-}, {@code -n}) are answered with 206,
 * unsatisfiable ones with 416.
 */
final class ArtifactTransfer {

  private static final Logger LOG = LoggerFactory.getLogger(ArtifactTransfer.class);
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  static final String SHA_HEADER = "X-Content-SHA256";

  private final Vertx vertx;
  private final WorkerExecutor worker;
  private final ArtifactStore store;
  private final long maxUploadBytes;
  private final RegistryMetrics metrics;

  ArtifactTransfer(
      Vertx vertx,
      WorkerExecutor worker,
      ArtifactStore store,
      long maxUploadBytes,
      RegistryMetrics metrics) {
    this.vertx = vertx;
    this.worker = worker;
    this.store = store;
    this.maxUploadBytes = maxUploadBytes;
    this.metrics = metrics;
  }

  // ------------------------------------------------------------------ upload

  void upload(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    // counted once the exchange is over, however it ended (stored, refused, cut)
    ctx.addEndHandler(x -> metrics.artifactUploaded(req.bytesRead()));
    String declared = req.getHeader(SHA_HEADER);
    if (declared != null) {
      declared = NameRules.requireSha256(declared.trim(), SHA_HEADER);
    }
    String declaredSha = declared;
    req.pause();
    Path temp = store.tempPath();
    vertx
        .fileSystem()
        .open(temp.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .onFailure(e -> fail(ctx, temp, e))
        .onSuccess(file -> receive(ctx, req, file, temp, declaredSha));
  }

  private void receive(
      RoutingContext ctx, HttpServerRequest req, AsyncFile file, Path temp, String declared) {
    MessageDigest md = Sha256.newDigest();
    long[] size = {0};
    boolean[] aborted = {false};
    Throwable[] writeError = {null};
    req.handler(
        buf -> {
          if (aborted[0]) {
            return;
          }
          size[0] += buf.length();
          if (size[0] > maxUploadBytes) {
            aborted[0] = true;
            file.close().onComplete(x -> deleteQuietly(temp));
            // answer now and close the connection once the answer is out: the rest of the body
            // is never read
            RegistryRouter.reply(
                ctx,
                413,
                "upload exceeds the limit of " + maxUploadBytes + " bytes; nothing was stored",
                null);
            return;
          }
          md.update(buf.getBytes());
          file.write(buf)
              .onFailure(
                  e -> {
                    if (writeError[0] == null) {
                      writeError[0] = e;
                    }
                  });
          if (file.writeQueueFull()) {
            req.pause();
            file.drainHandler(v -> req.resume());
          }
        });
    req.exceptionHandler(
        e -> {
          if (!aborted[0]) {
            aborted[0] = true;
            LOG.info("artifact upload interrupted bytes={} error={}", size[0], e.getMessage());
            file.close().onComplete(x -> deleteQuietly(temp));
          }
        });
    req.endHandler(
        v -> {
          if (aborted[0]) {
            return;
          }
          String actual = Sha256.hex(md);
          long received = size[0];
          file.flush()
              .compose(x -> file.close())
              .compose(
                  x -> {
                    if (writeError[0] != null) {
                      // never commit a file that may miss bytes the digest covered
                      return io.vertx.core.Future.failedFuture(writeError[0]);
                    }
                    return worker.executeBlocking(
                        () -> store.commit(temp, actual, received, declared, SHA_HEADER), false);
                  })
              .onSuccess(blob -> replyStored(ctx, blob))
              .onFailure(e -> fail(ctx, temp, e));
        });
    req.resume();
  }

  private static void replyStored(RoutingContext ctx, StoredBlob blob) {
    var o = RegistryJson.mapper().createObjectNode();
    o.put("sha256", blob.sha256());
    o.put("size", blob.size());
    o.put("created", blob.created());
    ctx.response()
        .setStatusCode(blob.created() ? 201 : 200)
        .putHeader("Content-Type", "application/json")
        .putHeader("Location", RouteSpec.PREFIX + "/artifacts/" + blob.sha256())
        .putHeader("ETag", etag(blob.sha256()))
        .end(Buffer.buffer(RegistryJson.write(o)));
  }

  private void fail(RoutingContext ctx, Path temp, Throwable e) {
    deleteQuietly(temp);
    ctx.fail(e);
  }

  private static void deleteQuietly(Path temp) {
    try {
      Files.deleteIfExists(temp);
    } catch (java.io.IOException e) {
      LOG.warn("cannot delete temp upload path={} error={}", temp, e.getMessage());
    }
  }

  // ------------------------------------------------------------------ download

  void download(RoutingContext ctx) {
    String sha = NameRules.requireSha256(ctx.pathParam("sha256"), "sha256");
    if (ctx.request().method() == HttpMethod.GET) {
      ctx.addEndHandler(x -> metrics.artifactDownloaded(ctx.response().bytesWritten()));
    }
    Path blob = store.blobPath(sha);
    vertx
        .fileSystem()
        .props(blob.toString())
        .onFailure(
            e -> ctx.fail(RegistryProblem.notFound("sha256", "no artifact with sha256 " + sha)))
        .onSuccess(
            props -> {
              try {
                serve(ctx, sha, blob, props.size());
              } catch (RuntimeException e) {
                ctx.fail(e);
              }
            });
  }

  private void serve(RoutingContext ctx, String sha, Path blob, long size) {
    HttpServerRequest req = ctx.request();
    HttpServerResponse resp = ctx.response();
    String etag = etag(sha);
    resp.putHeader("ETag", etag);
    resp.putHeader("Accept-Ranges", "bytes");
    resp.putHeader("Cache-Control", "public, max-age=31536000, immutable");
    String inm = req.getHeader("If-None-Match");
    if (inm != null && (inm.contains(etag) || inm.contains(sha) || inm.trim().equals("*"))) {
      resp.setStatusCode(304).end();
      return;
    }
    long[] range = requestedRange(req, etag, size);
    if (range == null) {
      resp.putHeader("Content-Type", "application/octet-stream");
      resp.putHeader("Content-Length", String.valueOf(size));
      if (req.method() == HttpMethod.HEAD) {
        resp.setStatusCode(200).end();
        return;
      }
      resp.setStatusCode(200);
      streamVerified(ctx, sha, blob);
      return;
    }
    long start = range[0];
    long length = range[1] - range[0] + 1;
    // a range cannot be checked on its own: verify the whole blob first, then send the range
    worker
        .executeBlocking(() -> Sha256.of(blob), false)
        .onFailure(ctx::fail)
        .onSuccess(
            actual -> {
              if (!actual.equals(sha)) {
                corrupt(sha, actual);
                ctx.fail(
                    new RegistryProblem(
                        RegistryProblem.Kind.SERVER_ERROR,
                        "sha256",
                        "stored artifact " + sha + " failed verification"));
                return;
              }
              resp.setStatusCode(206);
              resp.putHeader("Content-Type", "application/octet-stream");
              resp.putHeader("Content-Range", "bytes " + start + "-" + range[1] + "/" + size);
              resp.putHeader("Content-Length", String.valueOf(length));
              if (req.method() == HttpMethod.HEAD) {
                resp.end();
              } else {
                resp.sendFile(blob.toString(), start, length);
              }
            });
  }

  /**
   * The inclusive byte range asked for, or null to send everything: no Range header, an {@code
   * If-Range} that does not match, several ranges, or a syntactically invalid header (which HTTP
   * says to ignore). 416 when the range lies outside the blob.
   */
  private static long[] requestedRange(HttpServerRequest req, String etag, long size) {
    String header = req.getHeader("Range");
    if (header == null) {
      return null;
    }
    String ifRange = req.getHeader("If-Range");
    if (ifRange != null && !ifRange.trim().equals(etag)) {
      return null;
    }
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return null;
    }
    try {
      long start;
      long end;
      if (m.group(1).isEmpty()) {
        long suffix = Long.parseLong(m.group(2));
        if (suffix == 0) {
          throw new RangeProblem(size);
        }
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(m.group(1));
        long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
        if (last < start) {
          return null;
        }
        end = Math.min(last, size - 1);
      }
      if (start >= size) {
        throw new RangeProblem(size);
      }
      return new long[] {start, end};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** 416 with the {@code Content-Range: bytes *}{@code /size} header HTTP asks for. */
  static final class RangeProblem extends RuntimeException {
    final long size;

    RangeProblem(long size) {
      super("range not satisfiable: the artifact has " + size + " bytes");
      this.size = size;
    }
  }

  private void streamVerified(RoutingContext ctx, String sha, Path blob) {
    HttpServerResponse resp = ctx.response();
    vertx
        .fileSystem()
        .open(blob.toString(), new OpenOptions().setRead(true).setWrite(false).setCreate(false))
        .onFailure(ctx::fail)
        .onSuccess(
            file -> {
              MessageDigest md = Sha256.newDigest();
              Buffer[] held = {null};
              boolean[] closed = {false};
              Runnable closeFile =
                  () -> {
                    if (!closed[0]) {
                      closed[0] = true;
                      file.close();
                    }
                  };
              file.setReadBufferSize(256 * 1024);
              // the client went away: stop reading
              resp.closeHandler(v -> closeFile.run());
              file.handler(
                  buf -> {
                    md.update(buf.getBytes());
                    if (held[0] != null) {
                      resp.write(held[0]);
                    }
                    held[0] = buf;
                    if (resp.writeQueueFull()) {
                      file.pause();
                      // the queue can drain after the file ended and closed (the last chunk
                      // filled it again): resuming a closed file throws on the event loop
                      resp.drainHandler(
                          v -> {
                            if (!closed[0]) {
                              file.resume();
                            }
                          });
                    }
                  });
              file.exceptionHandler(
                  e -> {
                    if (closed[0]) {
                      return; // closed because the client left
                    }
                    LOG.warn("artifact read failed sha256={} error={}", sha, e.toString());
                    closeFile.run();
                    resp.reset();
                  });
              file.endHandler(
                  v -> {
                    closeFile.run();
                    String actual = Sha256.hex(md);
                    if (!actual.equals(sha)) {
                      corrupt(sha, actual);
                      // the last chunk never leaves: the client sees a short, failed download
                      resp.reset();
                      return;
                    }
                    if (held[0] == null) {
                      resp.end();
                    } else {
                      resp.end(held[0]);
                    }
                  });
            });
  }

  private static void corrupt(String sha, String actual) {
    LOG.error(
        "stored artifact failed verification sha256={} actual={}: restore it from a backup or"
            + " upload it again",
        sha,
        actual);
  }

  static String etag(String sha) {
    return "\"" + sha + "\"";
  }
}
