package io.prunegate.registry.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a real server that injects network faults into chosen connections: close
 * them at once (a connect-time failure), cut the response after so many bytes (a broken download),
 * or flip one response byte (corruption in transit). It records the request heads it forwards so
 * tests can see the Range headers a client sent.
 */
final class FaultyProxy implements AutoCloseable {

  private final int targetPort;
  private final ServerSocket server;
  private final AtomicInteger refuse = new AtomicInteger();
  private final AtomicInteger cuts = new AtomicInteger();
  private final AtomicLong cutAfter = new AtomicLong(Long.MAX_VALUE);
  private final AtomicInteger corruptions = new AtomicInteger();
  private final AtomicLong corruptAt = new AtomicLong(-1);
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requestLines = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean closed;

  FaultyProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "faulty-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** The next {@code n} connections are closed as soon as they are accepted. */
  void refuseNext(int n) {
    refuse.set(n);
  }

  /** The next {@code n} connections forward only {@code bytes} bytes of response, then close. */
  void cutNext(int n, long bytes) {
    cutAfter.set(bytes);
    cuts.set(n);
  }

  /** In the next connection, the response byte at {@code offset} (of the stream) is flipped. */
  void corruptNext(long offset) {
    corruptAt.set(offset);
    corruptions.set(1);
  }

  int connections() {
    return connections.get();
  }

  /** Request lines and Range headers seen so far, in order. */
  List<String> requestLines() {
    synchronized (requestLines) {
      return List.copyOf(requestLines);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        connections.incrementAndGet();
        if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          client.setSoLinger(true, 0); // RST: the client sees a reset, not a clean close
          client.close();
          continue;
        }
        long limit =
            cuts.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? cutAfter.get() : Long.MAX_VALUE;
        long flip = corruptions.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? corruptAt.get() : -1;
        Socket upstream = new Socket();
        upstream.connect(new InetSocketAddress("127.0.0.1", targetPort), 5000);
        pump(
            client.getInputStream(),
            upstream.getOutputStream(),
            Long.MAX_VALUE,
            -1,
            true,
            client,
            upstream);
        pump(
            upstream.getInputStream(),
            client.getOutputStream(),
            limit,
            flip,
            false,
            client,
            upstream);
      } catch (IOException e) {
        if (!closed) {
          // a failed upstream connect: the client sees the close
        }
      }
    }
  }

  private void pump(
      InputStream in,
      OutputStream out,
      long limit,
      long flipAt,
      boolean record,
      Socket a,
      Socket b) {
    Thread t =
        new Thread(
            () -> {
              byte[] buf = new byte[16384];
              long sent = 0;
              StringBuilder head = new StringBuilder();
              try {
                int n;
                while ((n = in.read(buf)) > 0) {
                  if (record) {
                    head.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    int eol;
                    while ((eol = head.indexOf("\r\n")) >= 0) {
                      String line = head.substring(0, eol);
                      head.delete(0, eol + 2);
                      if (line.matches("^(GET|HEAD|POST|PUT|DELETE) .*")
                          || line.startsWith("Range:")) {
                        requestLines.add(line);
                      }
                    }
                    if (head.length() > 65536) {
                      head.setLength(0);
                    }
                  }
                  if (flipAt >= sent && flipAt < sent + n) {
                    buf[(int) (flipAt - sent)] ^= 0x5a;
                  }
                  int allowed = (int) Math.min(n, limit - sent);
                  out.write(buf, 0, allowed);
                  out.flush();
                  sent += allowed;
                  if (sent >= limit) {
                    a.setSoLinger(true, 0);
                    break;
                  }
                }
              } catch (IOException e) {
                // one side went away
              } finally {
                closeQuietly(a);
                closeQuietly(b);
              }
            },
            "faulty-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
  }
}
