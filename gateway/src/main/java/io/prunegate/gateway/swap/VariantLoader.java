package io.prunegate.gateway.swap;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.prunegate.gateway.config.GatewayConfig;
import io.prunegate.gateway.drift.DriftMonitor;
import io.prunegate.gateway.metrics.GatewayMetrics;
import io.prunegate.gateway.resilience.VariantBreakers;
import io.prunegate.gateway.variant.LoadedVariant;
import io.prunegate.gateway.variant.VariantKey;
import io.prunegate.model.bundle.BundleManifest;
import io.prunegate.model.bundle.VariantBundle;
import io.prunegate.model.classify.TextClassifier;
import io.prunegate.model.runtime.RuntimeOptions;
import io.prunegate.registry.client.ArtifactVerificationException;
import io.prunegate.registry.client.DownloadedVersion;
import io.prunegate.registry.client.RegistryClient;
import io.prunegate.registry.client.RegistryUnavailableException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a registry version servable: downloads it into the cache (the client verifies every
 * artifact's sha256 and resumes partial files; transient failures are retried with backoff), checks
 * it is a variant bundle and that its files match the manifest's hashes, loads the classifier, and
 * warms it up with batches of the maximum size and of one, so that the first real requests do not
 * pay for lazy allocations.
 */
public final class VariantLoader {

  private static final Logger LOG = LoggerFactory.getLogger(VariantLoader.class);

  private static final List<String> WARMUP_TEXTS =
      List.of(
          "The film is a charming, funny and moving story.",
          "I hated it.",
          "What time does the last train leave for the airport tonight?",
          "Worst customer service ever, I waited on hold for two hours and nobody answered.");

  private final RegistryClient client;
  private final Path cacheDir;
  private final RuntimeOptions runtime;
  private final int warmupBatches;
  private final int maxBatch;
  private final VariantBreakers breakers;
  private final GatewayMetrics metrics;
  private final DriftMonitor drift;
  private final Retry retry;

  public VariantLoader(
      RegistryClient client,
      GatewayConfig.Registry registry,
      GatewayConfig.Inference inference,
      int maxBatch,
      VariantBreakers breakers,
      GatewayMetrics metrics,
      DriftMonitor drift) {
    this.client = client;
    this.cacheDir = registry.cacheDir();
    this.runtime =
        new RuntimeOptions(inference.device(), inference.threads(), inference.interOpThreads());
    this.warmupBatches = inference.warmupBatches();
    this.maxBatch = maxBatch;
    this.breakers = breakers;
    this.metrics = metrics;
    this.drift = drift;
    this.retry =
        Retry.of(
            "registry-download",
            RetryConfig.custom()
                .maxAttempts(registry.loadAttempts())
                .intervalFunction(
                    IntervalFunction.ofExponentialBackoff(registry.loadBackoff(), 2.0))
                .retryOnException(
                    e ->
                        e instanceof RegistryUnavailableException
                            || e instanceof ArtifactVerificationException
                            || e instanceof UncheckedIOException)
                .build());
  }

  /** Loads {@code model:version}; throws {@link VariantLoadException} naming what failed. */
  public LoadedVariant load(String model, int version) {
    VariantKey key = new VariantKey(model, version);
    long t0 = System.nanoTime();
    TextClassifier classifier = null;
    try {
      DownloadedVersion d =
          Retry.decorateSupplier(retry, () -> client.download(model, version, cacheDir)).get();
      Path dir = d.directory();
      VariantBundle.Opened opened = VariantBundle.open(dir, runtime);
      BundleManifest manifest = opened.manifest();
      classifier = opened.classifier();
      warmUp(classifier);
      LoadedVariant v = new LoadedVariant(key, dir, classifier, manifest, breakers.create(key));
      if (manifest.latency() != null && manifest.latency().batch32P50Ms() > 0) {
        drift.manifestLatency(model, version, manifest.latency().batch32P50Ms() / 32);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      metrics.load(model, version, "success", System.nanoTime() - t0);
      LOG.info(
          "variant loaded model={} version={} bytes={} ms={} labels={}",
          model,
          version,
          d.bytesTransferred(),
          ms,
          classifier.labels());
      return v;
    } catch (RuntimeException e) {
      if (classifier != null) {
        classifier.close();
      }
      metrics.load(model, version, "failure", System.nanoTime() - t0);
      throw new VariantLoadException("cannot load " + key + ": " + e.getMessage(), e);
    }
  }

  private void warmUp(TextClassifier classifier) {
    for (int b = 0; b < warmupBatches; b++) {
      int n = b % 2 == 0 ? maxBatch : 1;
      List<String> texts = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        texts.add(WARMUP_TEXTS.get(i % WARMUP_TEXTS.size()));
      }
      classifier.classify(texts);
    }
  }
}
