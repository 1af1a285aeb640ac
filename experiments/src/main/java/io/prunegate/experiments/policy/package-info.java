/**
 * The decision policy: when a challenger or shadow is promoted, rolled back or declared
 * inconclusive, read strictly from JSON (a default and per-model overrides).
 */
package io.prunegate.experiments.policy;
