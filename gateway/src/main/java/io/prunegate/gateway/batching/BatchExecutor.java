package io.prunegate.gateway.batching;

import java.util.List;

/**
 * Runs one batch cut by a {@link BatchScheduler} on a worker thread. It must answer every request
 * of the batch (or hand it on) and must not throw.
 *
 * @param <O> the owner of the queue the batch came from
 */
@FunctionalInterface
public interface BatchExecutor<O> {

  void execute(O owner, List<PendingRequest> batch);
}
