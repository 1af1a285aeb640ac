/**
 * Comparing the variants of one job: the metrics measured for each the same way ({@code
 * VariantMetrics}, also stored with the registered version) and the Pareto table of accuracy
 * against throughput that decides which variants are accepted and which is best ({@code
 * ParetoTable}, written as the job's JSON and HTML report).
 */
package io.prunegate.pruner.pareto;
