package io.prunegate.registry;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for requests a normal client refuses or rewrites (raw {@code ..} in
 * paths, oversized or chunked bodies that the server answers before reading them). The body is
 * written on a separate thread while the response is read, so an early answer is always seen.
 */
public final class RawHttp {

  /** A response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, String> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      return RegistryJson.parse(body);
    }
  }

  private RawHttp() {}

  /**
   * Sends {@code method target} with {@code headers} and {@code body} ({@code chunked}: with
   * Transfer-Encoding chunked, else with Content-Length unless the headers give one).
   */
  public static Response send(
      int port,
      String method,
      String target,
      Map<String, String> headers,
      byte[] body,
      boolean chunked) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(20_000);
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      head.append("Host: 127.0.0.1:").append(port).append("\r\n");
      headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      boolean hasLength =
          headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("Content-Length"));
      if (body != null && chunked) {
        head.append("Transfer-Encoding: chunked\r\n");
      } else if (body != null && !hasLength) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      Thread writer =
          new Thread(
              () -> {
                try {
                  out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                  if (body != null) {
                    if (chunked) {
                      for (int off = 0; off < body.length; off += 16384) {
                        int n = Math.min(16384, body.length - off);
                        out.write(
                            (Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(body, off, n);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                      }
                      out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } else {
                      for (int off = 0; off < body.length; off += 16384) {
                        out.write(body, off, Math.min(16384, body.length - off));
                      }
                    }
                  }
                  out.flush();
                } catch (IOException e) {
                  // the server answered early and closed: expected for refused bodies
                }
              },
              "raw-http-writer");
      writer.setDaemon(true);
      writer.start();
      Response r = read(s.getInputStream());
      writer.join(5000);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET/HEAD/DELETE without a body. */
  public static Response send(int port, String method, String target, Map<String, String> headers) {
    return send(port, method, target, headers, null, false);
  }

  private static Response read(InputStream in) throws IOException {
    String status = line(in);
    String[] parts = status.split(" ", 3);
    int code = Integer.parseInt(parts[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    String l;
    while (!(l = line(in)).isEmpty()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    if (code == 100) {
      return read(in);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = headers.get("content-length");
    if (length != null) {
      long n = Long.parseLong(length);
      byte[] buf = new byte[8192];
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          break;
        }
        body.write(buf, 0, r);
        n -= r;
      }
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      while (true) {
        int size = Integer.parseInt(line(in).trim(), 16);
        if (size == 0) {
          line(in);
          break;
        }
        body.write(in.readNBytes(size));
        line(in);
      }
    }
    return new Response(code, headers, body.toByteArray());
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c < 0 && b.size() == 0) {
      throw new IOException("connection closed before a response line");
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
