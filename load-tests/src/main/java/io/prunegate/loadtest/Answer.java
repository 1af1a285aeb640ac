package io.prunegate.loadtest;

import io.prunegate.events.ClassificationResult;

/**
 * The first result seen for a request id, with when it arrived.
 *
 * @param result the decoded result record
 * @param receivedNanos {@link System#nanoTime()} when the collector read it
 * @param latencyNanos from the request's intended send time to arrival (end to end)
 */
public record Answer(ClassificationResult result, long receivedNanos, long latencyNanos) {}
