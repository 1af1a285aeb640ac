/**
 * The durable join of answers and labels on Kafka Streams: results, shadow results and feedback
 * re-keyed by request id and joined in either order within a label delay, experiments opened from
 * alias events, per-experiment and per-arm aggregates in state stores, and a read side that turns
 * them into the judge's {@code ArmSnapshot}s.
 */
package io.prunegate.experiments.join;
