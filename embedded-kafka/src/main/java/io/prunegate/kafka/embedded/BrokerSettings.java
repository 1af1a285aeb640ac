package io.prunegate.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * How to run a single combined (broker + controller) KRaft node.
 *
 * @param dataDir log and metadata directory; formatted on first start, reused afterwards
 * @param port client (PLAINTEXT) port on 127.0.0.1
 * @param controllerPort controller (KRaft quorum) port on 127.0.0.1
 * @param overrides broker properties that replace the defaults of {@link #toProperties()}
 */
public record BrokerSettings(
    Path dataDir, int port, int controllerPort, Map<String, String> overrides) {

  public BrokerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    if (port <= 0 || controllerPort <= 0 || port == controllerPort) {
      throw new IllegalArgumentException(
          "need two distinct positive ports, got " + port + " and " + controllerPort);
    }
    overrides = Map.copyOf(overrides == null ? Map.of() : overrides);
  }

  /** Settings on two free ports of this machine. */
  public static BrokerSettings onFreePorts(Path dataDir) {
    int[] ports = freePorts(2);
    return new BrokerSettings(dataDir, ports[0], ports[1], Map.of());
  }

  public BrokerSettings withOverrides(Map<String, String> more) {
    Map<String, String> merged = new LinkedHashMap<>(overrides);
    merged.putAll(more);
    return new BrokerSettings(dataDir, port, controllerPort, merged);
  }

  /** {@code 127.0.0.1:port}, what clients pass as {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * The broker configuration. Internal topics get replication factor 1 (otherwise consumer groups
   * and transactions hang on a single node) and few partitions (fast first group join).
   */
  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.setProperty(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("log.dirs", dataDir.toAbsolutePath().toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("min.insync.replicas", "1");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "5");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "5");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // After a SIGKILL the restarted controller waits for the dead incarnation's session to expire
    // before it accepts the new registration (9 s by default); a short session keeps restarts fast.
    p.setProperty("broker.heartbeat.interval.ms", "500");
    p.setProperty("broker.session.timeout.ms", "2000");
    p.setProperty("auto.create.topics.enable", "true");
    // Requests of up to ~2 MB (1 MB texts in JSON) must reach the gateway's DLQ/truncation logic.
    p.setProperty("message.max.bytes", "4194304");
    p.setProperty("replica.fetch.max.bytes", "4194304");
    p.setProperty("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
    overrides.forEach(p::setProperty);
    return p;
  }

  static int[] freePorts(int n) {
    ServerSocket[] sockets = new ServerSocket[n];
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        sockets[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        sockets[i].setReuseAddress(true);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot find free ports", e);
    } finally {
      for (ServerSocket s : sockets) {
        if (s != null) {
          try {
            s.close();
          } catch (IOException ignored) {
            // best effort
          }
        }
      }
    }
  }
}
