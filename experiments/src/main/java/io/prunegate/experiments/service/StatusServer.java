package io.prunegate.experiments.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The service's small read-only HTTP side: {@code GET /metrics} (Prometheus text), {@code GET
 * /health} (200 while the join runs, 503 otherwise) and {@code GET /experiments} (every judged
 * experiment as JSON). The JDK's HTTP server suffices for three read-only routes and keeps Vert.x
 * off this service's classpath.
 */
final class StatusServer implements AutoCloseable {

  private final HttpServer server;

  StatusServer(
      String host,
      int port,
      Supplier<String> metrics,
      BooleanSupplier healthy,
      Supplier<byte[]> experiments) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
    }
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "experiments-http");
              t.setDaemon(true);
              return t;
            }));
    server.createContext(
        "/metrics",
        x ->
            reply(
                x,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                metrics.get().getBytes(StandardCharsets.UTF_8)));
    server.createContext(
        "/health",
        x -> {
          boolean ok = healthy.getAsBoolean();
          reply(
              x,
              ok ? 200 : 503,
              "application/json",
              ("{\"status\":\"" + (ok ? "ok" : "starting") + "\"}")
                  .getBytes(StandardCharsets.UTF_8));
        });
    server.createContext("/experiments", x -> reply(x, 200, "application/json", experiments.get()));
    server.createContext(
        "/",
        x ->
            reply(
                x,
                404,
                "application/json",
                "{\"error\":\"no such resource\"}".getBytes(StandardCharsets.UTF_8)));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void reply(HttpExchange x, int status, String type, byte[] body)
      throws IOException {
    try (x) {
      if (!"GET".equals(x.getRequestMethod()) && !"HEAD".equals(x.getRequestMethod())) {
        byte[] refused = "{\"error\":\"only GET is served here\"}".getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.getResponseHeaders().set("Allow", "GET, HEAD");
        x.sendResponseHeaders(405, refused.length);
        x.getResponseBody().write(refused);
        return;
      }
      String path = x.getRequestURI().getPath();
      String context = x.getHttpContext().getPath();
      if (!path.equals(context)) {
        byte[] missing = "{\"error\":\"no such resource\"}".getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(404, missing.length);
        x.getResponseBody().write(missing);
        return;
      }
      x.getResponseHeaders().set("Content-Type", type);
      boolean head = "HEAD".equals(x.getRequestMethod());
      x.sendResponseHeaders(status, head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = x.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
