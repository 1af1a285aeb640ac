/**
 * The registry's Prometheus meters ({@link io.prunegate.registry.metrics.RegistryMetrics}), served
 * at {@code GET /api/v1/metrics}.
 */
package io.prunegate.registry.metrics;
