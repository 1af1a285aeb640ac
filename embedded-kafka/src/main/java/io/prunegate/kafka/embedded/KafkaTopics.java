package io.prunegate.kafka.embedded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics through the Admin API; existing topics are left as they are. */
public final class KafkaTopics {

  private KafkaTopics() {}

  /** Creates the topics that do not exist yet, waiting up to {@code timeout}. */
  public static void create(String bootstrapServers, Collection<Topic> topics, Duration timeout) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(p)) {
      List<NewTopic> wanted = new ArrayList<>();
      for (Topic t : topics) {
        wanted.add(new NewTopic(t.name(), t.partitions(), (short) 1));
      }
      for (var entry : admin.createTopics(wanted).values().entrySet()) {
        try {
          entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(),
                e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("timed out creating topics " + topics, e);
    }
  }

  /** Partition counts of the given topics, as the broker reports them. */
  public static Map<String, Integer> partitions(String bootstrapServers, Collection<String> names) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      var described = admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      var out = new java.util.LinkedHashMap<String, Integer>();
      described.forEach((name, d) -> out.put(name, d.partitions().size()));
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot describe topics " + names, e);
    }
  }
}
