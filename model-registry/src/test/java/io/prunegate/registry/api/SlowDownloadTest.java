package io.prunegate.registry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.prunegate.registry.Artifact;
import io.prunegate.registry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A client that reads an artifact slower than the disk fills the response queue, so the registry
 * pauses the file and resumes it when the queue drains: every slow download must complete with the
 * stored bytes and log no error. The race seen in the demo (the queue draining once more after the
 * file ended and closed, and the resume throwing {@code File handle is closed} on the event loop)
 * is guarded in {@code ArtifactTransfer}; this test does not hit that timing deterministically (it
 * passed without the guard too), it keeps the paused/resumed path itself covered.
 */
class SlowDownloadTest {

  private static final int SIZE = 12 * 1024 * 1024;
  private static final int DOWNLOADS = 4;

  @Test
  void slowClientsGetEveryByteAndTheServerLogsNoError(@TempDir Path dir) throws Exception {
    byte[] content = new byte[SIZE];
    new SplittableRandom(5).nextBytes(content);
    Path file = Files.write(dir.resolve("blob.bin"), content);
    ListAppender<ILoggingEvent> errors = new ListAppender<>();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    errors.start();
    root.addAppender(errors);
    try (TestRegistry registry = TestRegistry.start(dir.resolve("registry"))) {
      Artifact a = registry.client().uploadArtifact(file);
      for (int i = 0; i < DOWNLOADS; i++) {
        byte[] body = slowGet(registry.port(), "/api/v1/artifacts/" + a.sha256());
        assertEquals(SIZE, body.length, "download " + i + " is complete");
        assertEquals(a.sha256(), sha256(body), "download " + i + " has the stored bytes");
      }
    } finally {
      root.detachAppender(errors);
    }
    List<String> bad =
        errors.list.stream()
            .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
            .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
            .toList();
    assertTrue(bad.isEmpty(), "errors logged: " + bad);
  }

  /** GET over a plain socket, read in small pieces with pauses (HTTP/1.0: the body ends at EOF). */
  private static byte[] slowGet(int port, String path) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setReceiveBufferSize(16 * 1024);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET "
                  + path
                  + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                  + TestRegistry.TOKEN
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream(SIZE + 4096);
      byte[] buf = new byte[32 * 1024];
      int n;
      int reads = 0;
      while ((n = in.read(buf)) > 0) {
        all.write(buf, 0, n);
        if (++reads % 8 == 0) {
          Thread.sleep(1); // slower than the disk: the server's write queue fills
        }
      }
      byte[] raw = all.toByteArray();
      int bodyStart = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) + 4;
      String head = new String(raw, 0, bodyStart, StandardCharsets.US_ASCII);
      assertTrue(head.startsWith("HTTP/1.0 200") || head.startsWith("HTTP/1.1 200"), head);
      byte[] body = new byte[raw.length - bodyStart];
      System.arraycopy(raw, bodyStart, body, 0, body.length);
      return body;
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("no end of headers");
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }
}
