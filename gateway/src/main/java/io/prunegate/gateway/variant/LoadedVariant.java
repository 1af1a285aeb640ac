package io.prunegate.gateway.variant;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.prunegate.gateway.batching.MicroBatcher;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.classify.TextClassifier;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model version loaded and warmed up: its classifier (backbone + chips, native memory), its
 * queue, and its circuit breaker. One instance serves every alias that points at its version; when
 * no alias does any more, its queue drains and {@link #close()} frees the native memory.
 */
public final class LoadedVariant implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoadedVariant.class);

  private final VariantKey key;
  private final Path directory;
  private final TextClassifier classifier;
  private final BundleManifest manifest;
  private final CircuitBreaker breaker;
  private final long loadedAtMillis = System.currentTimeMillis();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile MicroBatcher<LoadedVariant> queue;

  public LoadedVariant(
      VariantKey key,
      Path directory,
      TextClassifier classifier,
      BundleManifest manifest,
      CircuitBreaker breaker) {
    this.key = key;
    this.directory = directory;
    this.classifier = classifier;
    this.manifest = manifest;
    this.breaker = breaker;
  }

  public VariantKey key() {
    return key;
  }

  public String model() {
    return key.model();
  }

  public int version() {
    return key.version();
  }

  public Path directory() {
    return directory;
  }

  public TextClassifier classifier() {
    return classifier;
  }

  /** The bundle manifest (labels, structure, measured latency). */
  public BundleManifest manifest() {
    return manifest;
  }

  public List<String> labels() {
    return classifier.labels();
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public long loadedAtMillis() {
    return loadedAtMillis;
  }

  /** Attaches the queue the scheduler opened for this variant (once, before it takes traffic). */
  public void attachQueue(MicroBatcher<LoadedVariant> q) {
    if (queue != null) {
      throw new IllegalStateException(key + " already has a queue");
    }
    queue = q;
  }

  public MicroBatcher<LoadedVariant> queue() {
    return queue;
  }

  public boolean isClosed() {
    return closed.get();
  }

  /** Frees the classifier's native memory (once). */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      classifier.close();
      LOG.info("variant closed model={} version={}", key.model(), key.version());
    }
  }

  @Override
  public String toString() {
    return key.toString();
  }
}
