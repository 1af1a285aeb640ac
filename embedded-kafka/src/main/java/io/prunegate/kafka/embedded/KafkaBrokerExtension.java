package io.prunegate.kafka.embedded;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension behind {@link WithKafkaBroker}: starts an {@link EmbeddedKafka} in a temporary
 * directory before the class (or once per run when shared), injects it as a parameter, and stops it
 * and deletes its data when the class (or run) ends.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    broker(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedKafka.class || type == KafkaBroker.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return broker(context);
  }

  private static EmbeddedKafka broker(ExtensionContext context) {
    Class<?> testClass = context.getRequiredTestClass();
    WithKafkaBroker config = findConfig(testClass);
    boolean shared = config != null && config.shared();
    ExtensionContext owner = shared ? context.getRoot() : classContext(context);
    String key = shared ? "shared" : testClass.getName();
    return owner
        .getStore(NS)
        .getOrComputeIfAbsent(key, k -> new RunningBroker(), RunningBroker.class)
        .broker;
  }

  private static WithKafkaBroker findConfig(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      WithKafkaBroker a = c.getAnnotation(WithKafkaBroker.class);
      if (a != null) {
        return a;
      }
    }
    return null;
  }

  private static ExtensionContext classContext(ExtensionContext context) {
    ExtensionContext c = context;
    while (c.getTestMethod().isPresent() && c.getParent().isPresent()) {
      c = c.getParent().get();
    }
    return c;
  }

  /** Store value that owns the broker and its directory; closed by JUnit with its context. */
  static final class RunningBroker implements AutoCloseable {
    final Path dir;
    final EmbeddedKafka broker;

    RunningBroker() {
      try {
        dir = Files.createTempDirectory("prunegate-kafka-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create broker directory", e);
      }
      broker = EmbeddedKafka.start(BrokerSettings.onFreePorts(dir.resolve("data")));
    }

    @Override
    public void close() throws IOException {
      broker.close();
      deleteRecursively(dir);
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
            Files.deleteIfExists(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
