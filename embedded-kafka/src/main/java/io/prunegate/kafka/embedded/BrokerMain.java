package io.prunegate.kafka.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of the child-JVM broker: {@code --data-dir D --port P --controller-port C [--set
 * key=value ...]}. Prints {@value #READY_MARKER} followed by the bootstrap address once ready, and
 * stops cleanly on SIGTERM.
 */
public final class BrokerMain {

  static final String READY_MARKER = "PRUNEGATE-KAFKA-READY";

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = null;
    int port = 0;
    int controllerPort = 0;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--data-dir" -> dataDir = Path.of(require(value, args[i]));
        case "--port" -> port = Integer.parseInt(require(value, args[i]));
        case "--controller-port" -> controllerPort = Integer.parseInt(require(value, args[i]));
        case "--set" -> {
          String kv = require(value, args[i]);
          int eq = kv.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--set needs key=value, got " + kv);
          }
          overrides.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
      i++;
    }
    if (dataDir == null) {
      throw new IllegalArgumentException("--data-dir is required");
    }
    EmbeddedKafka broker =
        EmbeddedKafka.start(new BrokerSettings(dataDir, port, controllerPort, overrides));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "kafka-shutdown"));
    System.out.println(
        READY_MARKER + " " + broker.bootstrapServers() + " " + broker.startupMillis());
    System.out.flush();
    stopped.await();
  }

  private static String require(String value, String flag) {
    if (value == null) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return value;
  }
}
