package io.prunegate.registry.api;

/**
 * A route's work when it reads and answers JSON; runs on a worker thread (it may block on JDBC).
 */
@FunctionalInterface
public interface JsonOperation {
  ApiReply handle(ApiRequest request) throws Exception;
}
